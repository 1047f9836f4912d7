"""Actions: one ``do_<verb>_<noun>(actor, payload)`` per user intent.

Each action follows the same shape: AUTHORISE (the actor's role and
workshop), VALIDATE (the payload), RESOLVE (change the data and ``publish``
the events in the same transaction). Actions never commit: the caller
(socket dispatcher or HTTP view) commits with ``events.commit()`` and answers.
They raise ``CommandError`` to refuse; a refused command changes nothing.
"""
from .action_plan import (do_close_review, do_create_action, do_delete_action, do_open_review,
                          do_set_review_date, do_update_action, do_update_review_action)
from .automation import do_dismiss_duplicate, do_merge_ideas, do_regroup
from .gdpr import do_erase_participant, do_set_retention
from .groups import (do_create_group, do_merge_groups, do_move_idea, do_remove_group, do_rename_group,
                     do_restore_group, do_split_group)
from .ideas import do_edit_idea, do_hide_idea, do_post_idea, do_restore_idea, do_withdraw_idea
from .participants import do_join_table, do_join_workshop
from .phases import do_extend_timer, do_pause_timer, do_resume_timer, do_set_phase
from .restitution import do_set_restitution, do_set_spotlight
from .votes import (do_cast_vote, do_get_votes, do_move_vote, do_retract_vote, do_reveal_votes, do_set_voting,
                    do_set_voting_settings)
from .workshop import do_set_joining, do_set_posting, do_set_projector_rotation, do_set_projector_view
from .corrections import do_correct_idea
from .tables import do_assign_tables, do_move_participant, do_rotate_tables, do_set_show_authors

__all__ = [
    "do_close_review", "do_create_action", "do_delete_action", "do_open_review",
    "do_set_review_date", "do_update_action", "do_update_review_action",
    "do_dismiss_duplicate", "do_merge_ideas", "do_regroup",
    "do_erase_participant", "do_set_retention",
    "do_create_group", "do_merge_groups", "do_move_idea", "do_remove_group", "do_rename_group",
    "do_restore_group", "do_split_group",
    "do_edit_idea", "do_hide_idea", "do_post_idea", "do_restore_idea", "do_withdraw_idea",
    "do_join_table", "do_join_workshop",
    "do_extend_timer", "do_pause_timer", "do_resume_timer", "do_set_phase",
    "do_set_restitution", "do_set_spotlight",
    "do_cast_vote", "do_get_votes", "do_move_vote", "do_retract_vote", "do_reveal_votes", "do_set_voting",
    "do_set_voting_settings",
    "do_set_joining", "do_set_posting", "do_set_projector_rotation", "do_set_projector_view",
    "do_correct_idea", "do_assign_tables", "do_move_participant", "do_rotate_tables", "do_set_show_authors",
]
