//! The order state machine: `new -> delivery -> delivered`, `delivery -> new`
//! (a failed attempt or a recall), `new | delivery -> cancelled`.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    New,
    Delivery,
    Delivered,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    /// Hand to the courier: the stop appears on their route.
    Dispatch,
    /// The courier closed the stop.
    Deliver,
    /// The courier could not deliver; back to dispatch.
    Fail,
    /// A dispatcher took the stop back from the route.
    Recall,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order in state '{from}' cannot be {action}")]
pub struct TransitionError {
    pub from: OrderState,
    pub action: &'static str,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::New => "new",
            OrderState::Delivery => "delivery",
            OrderState::Delivered => "delivered",
            OrderState::Cancelled => "cancelled",
        }
    }

    /// Open orders can still be edited, rescheduled and reassigned.
    pub fn is_open(self) -> bool {
        matches!(self, OrderState::New | OrderState::Delivery)
    }

    /// The stop is on a courier's route (dispatched or already delivered).
    pub fn is_on_route(self) -> bool {
        matches!(self, OrderState::Delivery | OrderState::Delivered)
    }

    pub fn apply(self, action: OrderAction) -> Result<OrderState, TransitionError> {
        use OrderAction::*;
        use OrderState::*;
        match (self, action) {
            (New, Dispatch) => Ok(Delivery),
            (Delivery, Deliver) => Ok(Delivered),
            (Delivery, Fail) | (Delivery, Recall) => Ok(New),
            (New, Cancel) | (Delivery, Cancel) => Ok(Cancelled),
            (from, action) => Err(TransitionError {
                from,
                action: action.past_participle(),
            }),
        }
    }
}

impl OrderAction {
    fn past_participle(self) -> &'static str {
        match self {
            OrderAction::Dispatch => "dispatched",
            OrderAction::Deliver => "delivered",
            OrderAction::Fail => "failed",
            OrderAction::Recall => "recalled",
            OrderAction::Cancel => "cancelled",
        }
    }
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OrderState {
    type Err = crate::FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(OrderState::New),
            "delivery" => Ok(OrderState::Delivery),
            "delivered" => Ok(OrderState::Delivered),
            "cancelled" => Ok(OrderState::Cancelled),
            _ => Err(crate::FieldError::new(
                "state",
                "must be one of: new, delivery, delivered, cancelled",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OrderAction::*;
    use super::OrderState::*;
    use super::*;

    const ACTIONS: [OrderAction; 5] = [Dispatch, Deliver, Fail, Recall, Cancel];

    #[test]
    fn valid_transitions() {
        assert_eq!(New.apply(Dispatch), Ok(Delivery));
        assert_eq!(Delivery.apply(Deliver), Ok(Delivered));
        assert_eq!(Delivery.apply(Fail), Ok(New));
        assert_eq!(Delivery.apply(Recall), Ok(New));
        assert_eq!(New.apply(Cancel), Ok(Cancelled));
        assert_eq!(Delivery.apply(Cancel), Ok(Cancelled));
    }

    #[test]
    fn every_other_transition_is_refused() {
        let allowed = [
            (New, Dispatch),
            (Delivery, Deliver),
            (Delivery, Fail),
            (Delivery, Recall),
            (New, Cancel),
            (Delivery, Cancel),
        ];
        for state in [New, Delivery, Delivered, Cancelled] {
            for action in ACTIONS {
                let result = state.apply(action);
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&(state, action)),
                    "{state:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn final_states_accept_nothing() {
        for action in ACTIONS {
            assert!(Delivered.apply(action).is_err());
            assert!(Cancelled.apply(action).is_err());
        }
        let e = Delivered.apply(Deliver).unwrap_err();
        assert_eq!(
            e.to_string(),
            "an order in state 'delivered' cannot be delivered"
        );
    }

    #[test]
    fn open_and_route_states() {
        assert!(New.is_open() && Delivery.is_open());
        assert!(!Delivered.is_open() && !Cancelled.is_open());
        assert!(Delivery.is_on_route() && Delivered.is_on_route());
        assert!(!New.is_on_route() && !Cancelled.is_on_route());
    }
}
