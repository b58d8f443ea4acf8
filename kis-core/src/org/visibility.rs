//! Whose scores a viewer may see (P2): the director, finance and admins everyone's; a
//! manager the reps and the teams they lead; anyone else only their own card. One rule
//! for the scoreboard and the year's cards.

use std::collections::HashSet;

use super::{Role, Team, User};
use crate::ids::{TeamId, UserId};

/// The scores a viewer may see, worked out once per query.
#[derive(Debug, Clone)]
pub(crate) struct Visibility {
    /// `None`: every rep.
    reps: Option<HashSet<UserId>>,
    /// `None`: every team.
    teams: Option<HashSet<TeamId>>,
}

impl Visibility {
    /// What `viewer` may see in an organisation of `users` and `teams`.
    pub(crate) fn of(viewer: &User, users: &[User], teams: &[Team]) -> Visibility {
        match viewer.role {
            Role::Director | Role::Finance | Role::Admin => Visibility {
                reps: None,
                teams: None,
            },
            Role::Manager => {
                let led: HashSet<TeamId> = teams
                    .iter()
                    .filter(|t| t.manager == viewer.id)
                    .map(|t| t.id.clone())
                    .collect();
                let reps = users
                    .iter()
                    .filter(|u| u.team.as_ref().is_some_and(|t| led.contains(t)))
                    .map(|u| u.id.clone())
                    .collect();
                Visibility {
                    reps: Some(reps),
                    teams: Some(led),
                }
            }
            _ => Visibility {
                reps: Some(HashSet::from([viewer.id.clone()])),
                teams: Some(HashSet::new()),
            },
        }
    }

    /// Whether the viewer may see `rep`'s cards.
    pub(crate) fn rep(&self, rep: &UserId) -> bool {
        self.reps.as_ref().is_none_or(|r| r.contains(rep))
    }

    /// Whether the viewer may see `team`'s card.
    pub(crate) fn team(&self, team: &TeamId) -> bool {
        self.teams.as_ref().is_none_or(|t| t.contains(team))
    }

    /// Whether the viewer sees the whole company (and so the directors' roll-ups).
    pub(crate) fn everyone(&self) -> bool {
        self.reps.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, role: Role, team: Option<&str>) -> User {
        User {
            id: id.into(),
            name: id.into(),
            role,
            team: team.map(TeamId::from),
            active: true,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn each_role_sees_what_p2_allows() {
        let users = [
            user("li", Role::Rep, Some("east")),
            user("zhao", Role::Rep, Some("west")),
        ];
        let teams = [Team {
            id: "east".into(),
            name: "East".into(),
            manager: "m-east".into(),
            director: None,
        }];
        let (li, zhao) = (UserId::from("li"), UserId::from("zhao"));
        let (east, west) = (TeamId::from("east"), TeamId::from("west"));
        let director = Visibility::of(&user("dir", Role::Director, None), &users, &teams);
        assert!(director.everyone() && director.rep(&zhao) && director.team(&west));
        let manager = Visibility::of(&user("m-east", Role::Manager, None), &users, &teams);
        assert!(manager.rep(&li) && !manager.rep(&zhao));
        assert!(manager.team(&east) && !manager.team(&west) && !manager.everyone());
        let rep = Visibility::of(&users[0], &users, &teams);
        assert!(rep.rep(&li) && !rep.rep(&zhao) && !rep.team(&east) && !rep.everyone());
        let legal = Visibility::of(&user("legal", Role::Legal, None), &users, &teams);
        assert!(!legal.rep(&li) && !legal.team(&east));
    }
}
