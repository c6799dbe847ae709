//! The operators' call figures (issue 18, item 8): calls offered, answered,
//! missed and called back, mean talk time and orders per answered call, per
//! operator and day, from the calls of the period.

use std::collections::{BTreeMap, HashMap};

use rodnik_shared::api::{Call, OperatorCalls, User};

#[derive(Default)]
struct Tally {
    offered: i64,
    answered: i64,
    missed: i64,
    called_back: i64,
    talk_seconds: i64,
    talked: i64,
    orders: i64,
}

/// `calls` with their company day. An operator is known by the extension
/// a call rang or was answered at (`users`' extensions now) and by who
/// marked a missed call as called back.
pub fn operator_calls(calls: &[(String, Call)], users: &[User]) -> Vec<OperatorCalls> {
    let by_extension: HashMap<&str, &User> = users
        .iter()
        .filter_map(|u| Some((u.extension.as_deref()?, u)))
        .collect();
    let by_id: HashMap<&str, &User> = users.iter().map(|u| (u.id.as_str(), u)).collect();
    // `called_back_by` holds the user's name as it was then (older rows: an id).
    let by_name: HashMap<&str, &User> = users.iter().map(|u| (u.name.as_str(), u)).collect();
    // (date, user id or "") -> figures
    let mut tally: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for (date, c) in calls {
        let operator = c
            .extension
            .as_deref()
            .and_then(|e| by_extension.get(e))
            .map(|u| u.id.clone())
            .unwrap_or_default();
        tally.entry((date.clone(), operator)).or_default().count(c);
        let back = c.called_back_by.as_deref();
        if let Some(u) = back.and_then(|b| by_id.get(b).or_else(|| by_name.get(b))) {
            tally
                .entry((date.clone(), u.id.clone()))
                .or_default()
                .called_back += 1;
        }
    }
    tally
        .into_iter()
        .map(|((date, user), t)| {
            let user = by_id.get(user.as_str());
            t.figures(
                date,
                user.map(|u| u.id.clone()),
                user.map(|u| u.name.clone()).unwrap_or_else(|| "—".into()),
            )
        })
        .collect()
}

/// All operators together on `date` (`calls` of that day): a missed call
/// counts as called back whoever called.
pub fn calls_total(date: &str, calls: &[(String, Call)]) -> OperatorCalls {
    let mut t = Tally::default();
    for (_, c) in calls {
        t.count(c);
        if c.missed && c.called_back_at.is_some() {
            t.called_back += 1;
        }
    }
    t.figures(date.to_string(), None, String::new())
}

impl Tally {
    /// A call that rang at (or was taken by) this tally's operator.
    fn count(&mut self, c: &Call) {
        self.offered += 1;
        if c.answered_at.is_some() {
            self.answered += 1;
            self.orders += c.order_ids.len() as i64;
            if let Some(s) = c.talk_seconds() {
                self.talk_seconds += s;
                self.talked += 1;
            }
        }
        if c.missed {
            self.missed += 1;
        }
    }

    fn figures(self, date: String, user_id: Option<String>, name: String) -> OperatorCalls {
        OperatorCalls {
            date,
            user_id,
            name,
            offered: self.offered,
            answered: self.answered,
            missed: self.missed,
            called_back: self.called_back,
            avg_talk_seconds: if self.talked > 0 {
                self.talk_seconds / self.talked
            } else {
                0
            },
            orders: self.orders,
            orders_per_answered: if self.answered > 0 {
                (self.orders as f64 / self.answered as f64 * 100.0).round() / 100.0
            } else {
                0.0
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::CallState;
    use rodnik_shared::Role;

    fn user(id: &str, ext: &str) -> User {
        User {
            id: id.into(),
            username: id.into(),
            name: format!("{id} name"),
            role: Role::Operator,
            phone: None,
            extension: Some(ext.into()),
            active: true,
        }
    }

    fn call(ext: Option<&str>, answered: Option<(&str, &str)>, orders: usize) -> Call {
        Call {
            id: "c".into(),
            call_id: "c".into(),
            from: "+79160000000".into(),
            to: "+74950000000".into(),
            extension: ext.map(str::to_string),
            state: CallState::Ended,
            started_at: "2026-12-05T09:00:00Z".into(),
            answered_at: answered.map(|(a, _)| a.to_string()),
            ended_at: answered.map(|(_, e)| e.to_string()),
            missed: answered.is_none(),
            client_ids: vec![],
            order_ids: (0..orders).map(|i| format!("o{i}")).collect(),
            called_back_at: None,
            called_back_by: None,
            client_names: vec![],
        }
    }

    #[test]
    fn calls_are_counted_per_operator_and_day() {
        let users = [user("olga", "101"), user("irina", "102")];
        let d = |s: &str| s.to_string();
        let mut back = call(None, None, 0);
        back.called_back_by = Some("irina name".into());
        back.called_back_at = Some("2026-12-05T11:00:00Z".into());
        let calls = vec![
            (
                d("2026-12-05"),
                call(
                    Some("101"),
                    Some(("2026-12-05T09:00:10Z", "2026-12-05T09:02:10Z")),
                    1,
                ),
            ),
            (
                d("2026-12-05"),
                call(
                    Some("101"),
                    Some(("2026-12-05T10:00:00Z", "2026-12-05T10:01:00Z")),
                    0,
                ),
            ),
            (d("2026-12-05"), call(Some("101"), None, 0)),
            (d("2026-12-05"), back),
            (
                d("2026-12-06"),
                call(
                    Some("102"),
                    Some(("2026-12-06T10:00:00Z", "2026-12-06T10:00:30Z")),
                    2,
                ),
            ),
        ];
        let rows = operator_calls(&calls, &users);
        let find = |date: &str, who: Option<&str>| {
            rows.iter()
                .find(|r| r.date == date && r.user_id.as_deref() == who)
                .unwrap_or_else(|| panic!("{date} {who:?}: {rows:?}"))
        };
        let olga = find("2026-12-05", Some("olga"));
        assert_eq!((olga.offered, olga.answered, olga.missed), (3, 2, 1));
        assert_eq!(olga.avg_talk_seconds, 90);
        assert_eq!((olga.orders, olga.orders_per_answered), (1, 0.5));
        let nobody = find("2026-12-05", None);
        assert_eq!(
            (nobody.offered, nobody.missed, nobody.name.as_str()),
            (1, 1, "—")
        );
        let irina = find("2026-12-05", Some("irina"));
        assert_eq!((irina.offered, irina.called_back), (0, 1));
        let irina6 = find("2026-12-06", Some("irina"));
        assert_eq!((irina6.answered, irina6.orders_per_answered), (1, 2.0));
        assert_eq!(rows.len(), 4);

        let day: Vec<_> = calls
            .iter()
            .filter(|(d, _)| d == "2026-12-05")
            .cloned()
            .collect();
        let total = calls_total("2026-12-05", &day);
        assert_eq!(
            (
                total.offered,
                total.answered,
                total.missed,
                total.called_back
            ),
            (4, 2, 2, 1)
        );
        assert_eq!(
            (
                total.avg_talk_seconds,
                total.orders,
                total.orders_per_answered
            ),
            (90, 1, 0.5)
        );
        assert_eq!((total.user_id, total.date.as_str()), (None, "2026-12-05"));
    }
}
