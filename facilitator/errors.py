"""Error codes of commands and HTTP calls, with their message in each language.

A refused command answers ``{"ok": false, "error": code, "message": text}``;
the message is in the language of the connection (French by default).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "invalid_payload": {
        "fr": "Requête invalide : {detail}.",
        "en": "Invalid request: {detail}.",
    },
    "invalid_id": {
        "fr": "Identifiant invalide.",
        "en": "Invalid identifier.",
    },
    "unauthorized": {
        "fr": "Accès refusé : lien ou jeton invalide. Rejoignez l'atelier à nouveau.",
        "en": "Access denied: invalid link or token. Please join the workshop again.",
    },
    "forbidden": {
        "fr": "Cette action est réservée aux animateurs.",
        "en": "Only facilitators can do this.",
    },
    "organiser_only": {
        "fr": "Cette action est réservée aux organisateurs (espace organisateur).",
        "en": "Only organisers can do this (organiser space).",
    },
    "lead_only": {
        "fr": "Cette commande est réservée à l'animateur principal.",
        "en": "Only the lead facilitator can do this.",
    },
    "other_table_forbidden": {
        "fr": "Vous animez une autre table : cette action ne vous est pas ouverte.",
        "en": "You facilitate another table: this action is not open to you.",
    },
    "rotation_off": {
        "fr": "La rotation des tables n'est pas prévue pour cet atelier.",
        "en": "Table rotation is not enabled for this workshop.",
    },
    "stale_round": {
        "fr": "La rotation a déjà changé (tour actuel : {current}) : vérifiez avant de recommencer.",
        "en": "The rotation has already changed (current round: {current}): check before trying again.",
    },
    "rotation_needs_tables": {
        "fr": "Il faut au moins deux tables pour faire tourner les participants.",
        "en": "Rotation needs at least two tables.",
    },
    "not_found": {
        "fr": "Élément introuvable : {what}.",
        "en": "Not found: {what}.",
    },
    "empty_text": {
        "fr": "L'idée est vide : écrivez quelques mots.",
        "en": "The idea is empty: write a few words.",
    },
    "text_too_long": {
        "fr": "L'idée est trop longue ({length} caractères, {limit} au maximum).",
        "en": "The idea is too long ({length} characters, {limit} at most).",
    },
    "no_table": {
        "fr": "Choisissez d'abord une table ronde.",
        "en": "Choose a round table first.",
    },
    "posting_closed": {
        "fr": "Les contributions sont fermées pour cette table.",
        "en": "Posting is closed for this table.",
    },
    "joining_closed": {
        "fr": "Les inscriptions à cet atelier sont fermées.",
        "en": "Joining this workshop is closed.",
    },
    "idea_hidden": {
        "fr": "Cette idée a été masquée par l'animateur : elle ne peut plus être modifiée.",
        "en": "This idea was hidden by the facilitator: it can no longer be edited.",
    },
    "id_conflict": {
        "fr": "Cet identifiant d'idée est déjà utilisé.",
        "en": "This idea identifier is already in use.",
    },
    "rate_limited": {
        "fr": "Trop de messages en peu de temps : patientez quelques secondes.",
        "en": "Too many messages in a short time: please wait a few seconds.",
    },
    "too_many_connections": {
        "fr": "Cette session est déjà ouverte sur trop d'écrans : fermez un onglet ou un appareil.",
        "en": "This session is already open on too many screens: close a tab or a device.",
    },
    "empty_name": {
        "fr": "Indiquez votre prénom.",
        "en": "Please enter your first name.",
    },
    "name_too_long": {
        "fr": "Le prénom est trop long ({limit} caractères au maximum).",
        "en": "The first name is too long ({limit} characters at most).",
    },
    "empty_organisation": {
        "fr": "Indiquez votre organisation.",
        "en": "Please enter your organisation.",
    },
    "organisation_too_long": {
        "fr": "Le nom de l'organisation est trop long ({limit} caractères au maximum).",
        "en": "The organisation name is too long ({limit} characters at most).",
    },
    "other_table": {
        "fr": "L'idée et le groupe ne sont pas sur la même table.",
        "en": "The idea and the group are not on the same table.",
    },
    "empty_label": {
        "fr": "Donnez un nom au groupe.",
        "en": "Give the group a name.",
    },
    "label_too_long": {
        "fr": "Le nom du groupe est trop long ({limit} caractères au maximum).",
        "en": "The group name is too long ({limit} characters at most).",
    },
    "board_frozen": {
        "fr": ("Le classement de cette table est figé pendant le vote. Fermez le vote de la table pour le modifier."),
        "en": "This table's board is frozen while it votes. Close the table's voting to change it.",
    },
    "voting_closed": {
        "fr": "Le vote n'est pas ouvert à votre table.",
        "en": "Voting is not open at your table.",
    },
    "wrong_vote_target": {
        "fr": "Le vote porte sur les {target} de la table.",
        "en": "This vote is on the table's {target}.",
    },
    "vote_other_table": {
        "fr": "Vous ne pouvez voter que pour les éléments de votre table.",
        "en": "You can only vote for the items of your own table.",
    },
    "no_votes_left": {
        "fr": "Vous avez utilisé vos {limit} votes : retirez-en un pour voter ailleurs.",
        "en": "You have used your {limit} votes: take one back to vote elsewhere.",
    },
    "item_vote_limit": {
        "fr": "Au plus {limit} vote(s) par élément.",
        "en": "At most {limit} vote(s) per item.",
    },
    "no_vote_to_retract": {
        "fr": "Vous n'avez pas de vote sur cet élément.",
        "en": "You have no vote on this item.",
    },
    "invalid_vote_settings": {
        "fr": "Votes par élément ({per_item}) supérieurs aux votes par personne ({per_person}).",
        "en": "Votes per item ({per_item}) exceed votes per person ({per_person}).",
    },
    "grouping_unavailable": {
        "fr": "Le regroupement automatique est indisponible pour le moment (le service de calcul ne répond pas). Rien n'a bougé : réessayez dans un instant ou classez les idées à la main.",
        "en": "Automatic grouping is unavailable right now (the computing service does not answer). Nothing moved: try again in a moment or sort the ideas by hand.",
    },
    "votes_exist": {
        "fr": "Des votes ont déjà été exprimés : on ne peut plus changer la cible ni réduire le nombre de votes.",
        "en": "Votes have already been cast: the target can no longer change and the number of votes cannot go down.",
    },
    "not_your_turn": {
        "fr": "Ce n'est pas le tour de votre table dans la restitution : l'animateur principal mène l'écran de salle.",
        "en": "It is not your table's turn in the restitution: the lead facilitator drives the room screen.",
    },
    "spotlight_hidden": {
        "fr": "Cette idée est masquée : restaurez-la pour la mettre en avant.",
        "en": "This idea is hidden: restore it to spotlight it.",
    },
    "no_phase": {
        "fr": "Aucune étape du programme n'est en cours : démarrez d'abord une étape.",
        "en": "No agenda phase is running: start a phase first.",
    },
    "action_title_required": {
        "fr": "Donnez un titre à l'action.",
        "en": "Give the action a title.",
    },
    "action_field_too_long": {
        "fr": "Le champ « {field} » est trop long ({limit} caractères au maximum).",
        "en": 'The field "{field}" is too long ({limit} characters at most).',
    },
    "invalid_date": {
        "fr": "Date invalide : utilisez le format AAAA-MM-JJ (par exemple 2027-09-09).",
        "en": "Invalid date: use the YYYY-MM-DD format (for example 2027-09-09).",
    },
    "invalid_status": {
        "fr": "Statut inconnu : choisissez « pas commencée », « en cours », « terminée » ou « abandonnée ».",
        "en": "Unknown status: choose not started, in progress, done or dropped.",
    },
    "review_closed": {
        "fr": "Le bilan est fermé : les actions ne peuvent plus être mises à jour par ce lien.",
        "en": "The review is closed: actions can no longer be updated through this link.",
    },
    "no_review_date": {
        "fr": "Aucune date de bilan : fixez d'abord la date du bilan.",
        "en": "No review date: set the review date first.",
    },
    "bad_form_token": {
        "fr": "Le formulaire a expiré ou n'est pas valide : rechargez la page et réessayez.",
        "en": "The form has expired or is not valid: reload the page and try again.",
    },
    "internal": {
        "fr": "Erreur inattendue du serveur : rien n'a été modifié. Réessayez.",
        "en": "Unexpected server error: nothing was changed. Please try again.",
    },
}

# Words used inside messages ({what}, {detail}).
WORDS: dict[str, dict[str, str]] = {
    "idea": {"fr": "idée", "en": "idea"},
    "table": {"fr": "table ronde", "en": "round table"},
    "participant": {"fr": "participant", "en": "participant"},
    "group": {"fr": "groupe", "en": "group"},
    "workshop": {"fr": "atelier", "en": "workshop"},
    "phase": {"fr": "étape du programme", "en": "agenda phase"},
    "ideas": {"fr": "idées", "en": "ideas"},
    "groups": {"fr": "groupes", "en": "groups"},
    "action": {"fr": "action", "en": "action"},
    "review_link": {"fr": "lien de bilan", "en": "review link"},
    "export": {"fr": "export", "en": "export"},
    "field_title": {"fr": "titre", "en": "title"},
    "field_description": {"fr": "description", "en": "description"},
    "field_owner_org": {"fr": "organisation porteuse", "en": "owner organisation"},
    "field_contact": {"fr": "personne contact", "en": "contact person"},
    "field_indicator": {"fr": "indicateur de réussite", "en": "success indicator"},
    "field_progress_note": {"fr": "note d'avancement", "en": "progress note"},
    "not_an_object": {"fr": "un objet JSON est attendu", "en": "a JSON object is expected"},
}


class CommandError(Exception):
    """A command or request refused with an error code; nothing is changed."""

    def __init__(self, code: str, status: int = 400, **params):
        assert code in MESSAGES, code
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params

    def message(self, lang: str) -> str:
        """The human message in ``lang`` (French when unknown)."""
        return message(self.code, lang, **self.params)

    def as_ack(self, lang: str) -> dict:
        """The ack / JSON body of this error."""
        return {"ok": False, "error": self.code, "message": self.message(lang)}


def message(code: str, lang: str, **params) -> str:
    """Translate an error code; word parameters (e.g. what="idea") are translated too."""
    lang = lang if lang in ("fr", "en") else "fr"
    words = {k: WORDS[v][lang] if isinstance(v, str) and v in WORDS else v for k, v in params.items()}
    return MESSAGES[code][lang].format_map(_Blank(words))


class _Blank(dict):
    """Format mapping that renders a missing parameter as '…' instead of failing."""

    def __missing__(self, key: str) -> str:
        return "…"
