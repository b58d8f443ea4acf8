//! Who may decide a step (P2.3, P3.2b, P4.1c, P3.4, P7.3). Pure: given the users and the
//! submitter's team, the answer is the same on every store and in every language.

use super::plan::PlannedStep;
use super::state::Approval;
use crate::ids::UserId;
use crate::org::{Role, Team, User};

/// Why `user` may not decide `step` on their own authority, or `None` if they may.
pub fn refusal(
    user: &User,
    step: &PlannedStep,
    submitter: &UserId,
    team: Option<&Team>,
) -> Option<String> {
    if !user.active {
        return Some("the user is deactivated".into());
    }
    if &user.id == submitter {
        return Some("no one approves their own document (P3.2b)".into());
    }
    if user.role != step.role {
        return Some(format!(
            "step {} needs a {}, and the user is a {}",
            step.index.saturating_add(1),
            step.role,
            user.role
        ));
    }
    if step.team_scope {
        let leads = match (step.role, team) {
            (Role::Manager, Some(t)) => t.manager == user.id,
            (Role::Director, Some(t)) => t.director.as_ref() == Some(&user.id),
            _ => false,
        };
        if !leads {
            let team_name = team.map_or("no team".to_string(), |t| format!("team {}", t.id));
            return Some(format!(
                "step {} is for the submitter's own {} ({team_name}); a {} acts only on their team's documents (P2.3)",
                step.index.saturating_add(1),
                step.role,
                step.role
            ));
        }
    }
    None
}

/// How `actor` may decide the current step: on their own authority (`Ok(None)`), or for
/// a delegator who granted them the day's authority (`Ok(Some(delegator))`). Delegation
/// is one hop only: the delegators' own delegators do not count.
pub fn acting_as(
    actor: &User,
    delegators: &[User],
    step: &PlannedStep,
    approval: &Approval,
    team: Option<&Team>,
) -> Result<Option<UserId>, String> {
    if actor.id == approval.submitter {
        return Err("no one approves their own document (P3.2b), not even as a delegate".into());
    }
    if approval.decided_by(&actor.id) {
        return Err(
            "the user already decided a step of this review: each step needs another person".into(),
        );
    }
    let own = refusal(actor, step, &approval.submitter, team);
    let Some(reason) = own else { return Ok(None) };
    for d in delegators {
        if !approval.decided_by(&d.id) && refusal(d, step, &approval.submitter, team).is_none() {
            return Ok(Some(d.id.clone()));
        }
    }
    Err(reason)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::approval::state::ApprovalStatus;

    fn user(id: &str, role: Role) -> User {
        User {
            id: id.into(),
            name: id.into(),
            role,
            team: None,
            active: true,
            created_at: Utc::now(),
        }
    }

    fn step(role: Role, team_scope: bool) -> PlannedStep {
        PlannedStep {
            index: 0,
            role,
            team_scope,
            applies: true,
            reason: String::new(),
        }
    }

    fn approval(submitter: &str) -> Approval {
        Approval {
            round: 1,
            submitter: submitter.into(),
            team: Some("east".into()),
            submitted_at: Utc::now(),
            steps: vec![],
            status: ApprovalStatus::Pending,
        }
    }

    fn east() -> Team {
        Team {
            id: "east".into(),
            name: "East".into(),
            manager: "m-east".into(),
            director: Some("dir".into()),
        }
    }

    #[test]
    fn p2_3_only_the_team_manager_decides_a_team_step() {
        let s = step(Role::Manager, true);
        assert!(
            refusal(
                &user("m-east", Role::Manager),
                &s,
                &"li".into(),
                Some(&east())
            )
            .is_none()
        );
        let other = refusal(
            &user("m-west", Role::Manager),
            &s,
            &"li".into(),
            Some(&east()),
        )
        .unwrap();
        assert!(other.contains("only on their team's documents"), "{other}");
        let wrong_role = refusal(
            &user("dir", Role::Director),
            &s,
            &"li".into(),
            Some(&east()),
        )
        .unwrap();
        assert!(wrong_role.contains("needs a manager"), "{wrong_role}");
    }

    #[test]
    fn p3_2_no_self_approval_even_by_delegation() {
        let s = step(Role::Manager, true);
        let a = approval("m-east");
        let err =
            acting_as(&user("m-east", Role::Manager), &[], &s, &a, Some(&east())).unwrap_err();
        assert!(err.contains("own document"));
    }

    #[test]
    fn a_delegate_acts_for_the_delegator_one_hop_only() {
        let s = step(Role::Manager, true);
        let a = approval("li");
        let deputy = user("deputy", Role::Rep);
        let on_behalf = acting_as(
            &deputy,
            &[user("m-east", Role::Manager)],
            &s,
            &a,
            Some(&east()),
        )
        .unwrap();
        assert_eq!(on_behalf, Some("m-east".into()));
        // A delegate of someone who is only a delegate gets nothing (not transitive).
        assert!(
            acting_as(
                &deputy,
                &[user("other-rep", Role::Rep)],
                &s,
                &a,
                Some(&east())
            )
            .is_err()
        );
    }
}
