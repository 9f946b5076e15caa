"""Every reference to a person (or to a trajectory or assignment of a person), and what privacy does with it.

``tests/test_privacy.py`` compares these tables with the models Django knows: a new foreign key
to ``Person``, ``User``, ``Trajectory`` or ``ParticipantAssignment`` fails that test until it is
listed here, so the export (right of access) and the anonymisation cannot silently miss a new
kind of data.

``ABOUT_THE_PERSON`` names the section of the export (``wpo.privacy.export``) that holds the rows;
the anonymisation (``wpo.privacy.services``) handles the same rows. ``DONE_BY_THE_PERSON`` are rows
where the person acted on someone else's record (a trainer's observation, an administrator's
import): the export counts them per kind under the Dutch description given here, the
anonymisation leaves them (the actor's name comes from the anonymised account). The history
tables of django-simple-history are handled by ``wpo.audit.services.scrub_person_history`` and
exported in the ``audit`` section.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

ABOUT_THE_PERSON: dict[str, str] = {
    # The person and their account.
    "orgs.Person.user": "account",
    "accounts.SecurityEvent.person": "security_events",
    "accounts.TwoFactorFailure.user": "two_factor",
    "otp_totp.TOTPDevice.user": "two_factor",
    "accounts.SecretTOTPDevice.user": "two_factor",  # the same rows, read with the key decrypted
    "otp_static.StaticDevice.user": "two_factor",
    "accounts.OidcIdentity.person": "two_factor",
    # The service desk (wpo/service): an invitation holds only a token's hash and its times; an
    # operator's login is no person of any organisation, so no person's export ever meets it.
    "service.Invitation.user": "account",
    "service.ServiceOperator.user": "account",
    "orgs.Person.trainers": "trainers",
    "orgs.TrainerLink.participant": "trainers",
    "orgs.TrainerLink.trainer": "trainees",
    "accounts.LoginCard.person": "login_cards",
    "trajectories.TrainerCalendarFeed.person": "calendar_feeds",
    "meetings.MeetingAttendance.person": "meetings",
    "meetings.Meeting.invitees": "meetings",
    "intake.Interest.employee": "intake",
    "intake.Interest.trajectory": "intake",
    "privacy.Anonymisation.person": "anonymisation",
    # Trajectories and everything in them.
    "trajectories.Trajectory.participant": "trajectories",
    "trajectories.TrajectorySkill.trajectory": "trajectories.skills",
    "trajectories.PhaseChange.trajectory": "trajectories.phase_history",
    "trajectories.ParticipantAssignment.trajectory": "trajectories.assignments",
    "trajectories.ParticipantQuestion.trajectory": "trajectories.questions",
    "trajectories.CoachingConversation.trajectory": "trajectories.conversations",
    "trajectories.CoachingConversation.participant_assignment": "trajectories.conversations",
    "certificates.Certificate.participant": "trajectories.certificates",
    "evaluations.InterimEvaluation.trajectory": "trajectories.interim_evaluations",
    "evaluations.ChosenSkillChange.trajectory": "trajectories.skill_changes",
    "evaluations.EndDateChange.trajectory": "trajectories.end_date_changes",
    "certificates.Certificate.trajectory": "trajectories.certificates",
    # The participant's consent that their werkplekopleider downloads the evidence dossier.
    "certificates.DossierConsent.trajectory": "trajectories.dossier_consents",
    "certificates.DossierConsent.participant": "trajectories.dossier_consents",
    "followup.Problem.trajectory": "trajectories.problems",
    "coaching.SignalEvent.trajectory": "trajectories.signal_triage",
    "trajectories.StepChange.participant_assignment": "trajectories.assignments.history",
    "trajectories.PracticeAnswer.participant_assignment": "trajectories.assignments.practice_answers",
    "packages.PackageAttempt.participant_assignment": "trajectories.assignments.practice_packages",
    "trajectories.LookBackAnswer.participant_assignment": "trajectories.assignments.look_back_answers",
    "trajectories.Observation.participant_assignment": "trajectories.assignments.observations",
    "trajectories.WorkAdaptation.participant_assignment": "trajectories.assignments.work_adaptations",
    "trajectories.Assessment.participant_assignment": "trajectories.assignments.assessments",
    "trajectories.IndependenceDay.participant_assignment": "trajectories.assignments.independence_days",
    "trajectories.SecondAssessorRequest.participant_assignment": "trajectories.assignments.second_assessor_requests",
    "trajectories.WatchRequest.participant_assignment": "trajectories.assignments.watch_requests",
}

DONE_BY_THE_PERSON: dict[str, Any] = {
    "accounts.SecurityEvent.actor": _("Beveiliging van iemand anders aangepast"),
    "admin.LogEntry.user": _("Wijzigingen in het technische beheer"),
    "curriculum.AssignmentVersion.published_by": _("Versies van opdrachten gepubliceerd"),
    "curriculum.Edition.published_by": _("Edities van de WPO-opdrachten gepubliceerd"),
    "curriculum.EditionSeen.person": _("Nieuwe edities van de WPO-opdrachten gelezen"),
    "curriculum.LocalExample.updated_by": _("Eigen voorbeelden bij opdrachten bewaard"),
    "packages.PackageVersion.uploaded_by": _("Oefenpakketten (SCORM) geüpload"),
    "accounts.LoginCard.created_by": _("Inlogkaarten gemaakt"),
    "accounts.LoginCard.revoked_by": _("Inlogkaarten ingetrokken"),
    "certificates.Certificate.issued_by": _("Certificaten uitgereikt"),
    "certificates.Certificate.revoked_by": _("Certificaten ingetrokken"),
    "certificates.CertificateBatch.created_by": _("Printopdrachten voor certificaten"),
    "coaching.DigestSent.coach": _("Weekmails met signalen ontvangen"),
    "coaching.SignalEvent.actor": _("Signalen stil gezet of besproken"),
    "evaluations.InterimEvaluation.attendees": _("Tussentijdse evaluaties meegedaan"),
    "evaluations.InterimEvaluation.planned_by": _("Tussentijdse evaluaties gepland"),
    "evaluations.InterimEvaluation.recorded_by": _("Tussentijdse evaluaties vastgelegd"),
    "evaluations.ChosenSkillChange.actor": _("Gekozen skills van een traject veranderd"),
    "evaluations.EndDateChange.actor": _("WPO-trajecten verlengd"),
    "followup.DepartmentVisit.coach": _("Afdelingsbezoeken als coach"),
    "followup.DepartmentVisit.trainers": _("Afdelingsbezoeken als werkplekopleider"),
    "followup.DepartmentVisit.recorded_by": _("Afdelingsbezoeken vastgelegd"),
    "followup.DepartmentVisit.cancelled_by": _("Afdelingsbezoeken afgezegd"),
    "followup.VisitAction.owner": _("Vervolgacties om te doen"),
    "followup.VisitAction.done_by": _("Vervolgacties afgevinkt"),
    "followup.VisitAction.created_by": _("Vervolgacties gemaakt"),
    "followup.Problem.raised_by": _("Problemen gemeld"),
    "followup.Problem.handled_by": _("Problemen behandeld"),
    "followup.ProblemEvent.actor": _("Reacties en wijzigingen bij problemen"),
    "meetings.Meeting.organiser": _("Bijeenkomsten georganiseerd"),
    "intake.Interest.trainer": _("Aanmeldingen voor WPO als werkplekopleider"),
    "intake.Interest.put_forward_by": _("Medewerkers aangemeld voor WPO"),
    "intake.InterestChange.actor": _("Aanmeldingen voor WPO veranderd"),
    "meetings.Meeting.cancelled_by": _("Bijeenkomsten afgezegd"),
    "meetings.Meeting.recorded_by": _("Aanwezigheid bij bijeenkomsten vastgelegd"),
    "orgs.PeopleImport.created_by": _("Lijsten met mensen geïmporteerd"),
    "privacy.Anonymisation.by": _("Gegevens van deelnemers verwijderd"),
    "trajectories.Trajectory.trainer": _("WPO-trajecten als werkplekopleider"),
    "trajectories.StepChange.actor": _("Stappen in opdrachten gezet"),
    "trajectories.PhaseChange.actor": _("Fases van WPO-trajecten gezet"),
    "trajectories.Observation.author": _("Observaties geschreven"),
    "trajectories.WorkAdaptation.created_by": _("Aanpassingen in het werk vastgelegd"),
    "trajectories.CoachingConversation.attendees": _("Begeleidingsgesprekken meegedaan"),
    "trajectories.CoachingConversation.planned_by": _("Begeleidingsgesprekken gepland"),
    "trajectories.CoachingConversation.recorded_by": _("Begeleidingsgesprekken vastgelegd"),
    "trajectories.Assessment.assessor": _("Beoordelingen gedaan"),
    "trajectories.Assessment.second_assessor": _("Beoordelingen als tweede beoordelaar"),
    "trajectories.Assessment.outcome_by": _("Uitkomsten van gesprekken over twee oordelen vastgelegd"),
    "trajectories.Assessment.outcome_present": _("Bij gesprekken over twee oordelen geweest"),
    "trajectories.IndependenceDay.recorded_by": _("Dagen van de zelfstandigheidsweek afgevinkt"),
    "trajectories.SecondAssessorRequest.coach": _("Gevraagd als tweede beoordelaar"),
    "trajectories.SecondAssessorRequest.requested_by": _("Tweede beoordelaar gevraagd"),
    "trajectories.WatchRequest.answered_by": _("Vragen om mee te kijken beantwoord"),
}
