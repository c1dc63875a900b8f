"""Web forms. Field checks that are business rules live in the write side and ``accounts``.

A form's fields are named as the author sees them (``body``, ``topic``); the
domain names them as its columns (``body_markdown``, ``topic_id``). The one
mapping between the two is ``ArticleForm.FIELD_OF``.
"""

from datetime import datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from . import clock
from .accounts import ProfileInput, normalise_username
from .glossary_editing import GlossaryInput
from .models import Article, ArticleRevision, GlossaryTerm, Topic
from .publishing import ArticleInput
from .rules import (
    MAX_ALT_TEXT_LENGTH,
    MAX_BIO_LENGTH,
    MAX_CREDENTIALS_LENGTH,
    MAX_DEFINITION_LENGTH,
    MAX_IMAGE_UPLOAD_BYTES,
    MAX_NOTICE_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_REVIEW_INTERVAL_MONTHS,
    MAX_ROLE_TITLE_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_TERM_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_TOPIC_DESCRIPTION_LENGTH,
    MAX_UPDATE_NOTE_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    whole_number,
)
from .topics import TopicInput


def _username(value: str | None) -> str | None:
    return normalise_username(value) if value else value


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        filters=[_username],
        validators=[DataRequired("Enter your username."), Length(max=MAX_USERNAME_LENGTH)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField("Log in")


def _topic_id(value: object) -> int | None:
    """Read a chosen topic or image; anything that is not a plausible id is no choice at all."""
    return whole_number(str(value) if value is not None else None)


class DomainForm(FlaskForm):
    """A form whose input the write side checks, showing its problems beside the fields."""

    # The form field that shows each domain field, where their names differ.
    FIELD_OF: dict[str, str] = {}

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each problem beside the field it is about, or above the form if none is."""
        for name, message in problems.items():
            field = self._fields.get(self.FIELD_OF.get(name, name))
            if field is None:
                self.form_errors.append(message)
            else:
                field.errors = [message]


class ArticleForm(DomainForm):
    title = StringField("Title", render_kw={"autocomplete": "off", "maxlength": MAX_TITLE_LENGTH})
    summary = TextAreaField(
        "Summary",
        description=f"One or two sentences, up to {MAX_SUMMARY_LENGTH} characters.",
        render_kw={"rows": 3},
    )
    body = TextAreaField("Body", description="Markdown.", render_kw={"rows": 20})
    topic = SelectField("Topic", coerce=_topic_id, validate_choice=False)
    lead_image = SelectField(
        "Lead image",
        coerce=_topic_id,
        validate_choice=False,
        description="Shown above the article, beside it in lists, and in feeds and link "
        "previews. Upload images on the Images page.",
    )
    slug = StringField(
        "Slug",
        description="The address of the article. Leave empty to make it from the title.",
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    publish_at = DateTimeLocalField(
        "Publish at",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        invalid_value_message="Enter a date and time, such as 2026-12-07 09:00.",
        description="Only for “Schedule”: the date and time, in the site's time zone.",
    )
    material_update = BooleanField(
        "This is a material update",
        description=(
            "Tick it when the change matters to readers (new dose guidance, a new risk), not "
            "for a typo. Readers and feeds then show “Updated <date>: <note>”."
        ),
    )
    material_update_note = StringField(
        "What changed",
        description=(
            f"Required for a material update: one line of plain text, up to "
            f"{MAX_UPDATE_NOTE_LENGTH} characters, e.g. “Dose guidance updated after the 2026 "
            "guideline”."
        ),
        render_kw={"autocomplete": "off", "maxlength": MAX_UPDATE_NOTE_LENGTH},
    )
    # The version the author started from, so a save over someone else's is not silent.
    based_on = HiddenField()
    publish = SubmitField("Publish")
    schedule = SubmitField("Schedule")
    save_draft = SubmitField("Save draft")
    preview = SubmitField("Preview")

    FIELD_OF = {"body_markdown": "body", "topic_id": "topic", "lead_image_id": "lead_image"}

    def publish_at_utc(self) -> datetime | None:
        """Return the chosen publication time in UTC, or None; a skipped local time is an error."""
        if not self.schedule.data:
            return None
        if self.publish_at.data is None:
            self.publish_at.errors = ["Enter the date and time to publish at."]
            return None
        try:
            return clock.from_site_time(self.publish_at.data)
        except clock.NonexistentTime:
            self.publish_at.errors = [
                f"{self.publish_at.data:%H:%M} on {self.publish_at.data:%d %B %Y} does not exist "
                "here: the clocks go forward then. Choose another time."
            ]
            return None

    def material_update_note_given(self) -> str | None:
        """Return a material update's note ("" if left empty), or None for a minor edit."""
        if not self.material_update.data:
            return None
        return self.material_update_note.data or ""

    def based_on_version(self) -> int | None:
        """Return the version number the author started from, if the form says."""
        return whole_number(self.based_on.data)

    def to_input(self) -> ArticleInput:
        """Return what the author typed, as the write side takes it."""
        return ArticleInput(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body_markdown=self.body.data or "",
            topic_id=self.topic.data,
            slug=self.slug.data or "",
            lead_image_id=self.lead_image.data,
        )

    def fill_from(self, article: Article | ArticleRevision) -> None:
        """Put the text of ``article`` (or of one of its versions) into the fields."""
        data = ArticleInput.of(article)
        self.title.data = data.title
        self.summary.data = data.summary
        self.body.data = data.body_markdown
        self.topic.data = data.topic_id
        self.slug.data = data.slug
        self.lead_image.data = data.lead_image_id


def _new_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Enter a password."), Length(max=MAX_PASSWORD_LENGTH)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.",
        render_kw={"autocomplete": "new-password"},
    )


class NewAccountForm(DomainForm):
    display_name = StringField(
        "Name", description="As readers see it on bylines.", render_kw={"autocomplete": "off"}
    )
    username = StringField(
        "Username",
        filters=[_username],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    role = SelectField(
        "Role", choices=[SelectChoice("author", "Author"), SelectChoice("editor", "Editor")]
    )
    submit = SubmitField("Create the account")


class ProfileForm(DomainForm):
    """A public profile: the name on bylines, credentials, role title and bio."""

    display_name = StringField("Name", description="As readers see it on bylines.")
    credentials = StringField(
        "Credentials",
        description=(
            f"Shown after the name, such as “MBBS, MRCPsych”; up to {MAX_CREDENTIALS_LENGTH} "
            "characters. Leave empty if none."
        ),
        render_kw={"autocomplete": "off"},
    )
    role_title = StringField(
        "Role",
        description=f"Such as “Consultant psychiatrist”; up to {MAX_ROLE_TITLE_LENGTH} characters.",
        render_kw={"autocomplete": "organization-title"},
    )
    bio = TextAreaField(
        "Short bio",
        description=f"Markdown, up to {MAX_BIO_LENGTH:,} characters, shown on the profile page.",
        render_kw={"rows": 6},
    )
    save_name = SubmitField("Save the profile")

    FIELD_OF = {"bio_markdown": "bio"}

    def to_input(self) -> ProfileInput:
        """Return what was typed, as the write side takes it."""
        return ProfileInput(
            display_name=self.display_name.data or "",
            credentials=self.credentials.data or "",
            role_title=self.role_title.data or "",
            bio_markdown=self.bio.data or "",
        )

    def fill_from(self, data: ProfileInput) -> None:
        """Put a saved profile into the fields."""
        self.display_name.data = data.display_name
        self.credentials.data = data.credentials
        self.role_title.data = data.role_title
        self.bio.data = data.bio_markdown


class PersonProfileForm(ProfileForm):
    """An editor's view of someone's profile, with the choice only editors make."""

    is_clinical_reviewer = BooleanField(
        "Clinical reviewer",
        description="May be recorded as the person who medically reviewed an article.",
    )


class ReviewForm(DomainForm):
    reviewer_id = SelectField("Reviewer", coerce=_topic_id, validate_choice=False)
    mark_reviewed = SubmitField("Mark reviewed")


def _months(value: object) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    # Anything that is not a plausible number becomes 0, which the write side refuses.
    return whole_number(text, maximum=10 * MAX_REVIEW_INTERVAL_MONTHS) or 0


class ChangePasswordForm(DomainForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password("New password")
    change_password = SubmitField("Change the password")


class SetPasswordForm(DomainForm):
    password = _new_password("New password")
    submit = SubmitField("Set the password")


class TopicForm(DomainForm):
    title = StringField("Title", render_kw={"autocomplete": "off", "maxlength": MAX_TITLE_LENGTH})
    slug = StringField(
        "Slug",
        description="The topic's address, /topics/… Leave empty to make it from the title.",
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    description = StringField(
        "Description",
        description=(
            f"One line of plain text, up to {MAX_TOPIC_DESCRIPTION_LENGTH} characters, for the "
            "topic's feed and for search results. Leave empty for “New guides on …”."
        ),
        render_kw={"autocomplete": "off"},
    )
    intro = TextAreaField(
        "Intro", description="Markdown, shown above the topic's guides.", render_kw={"rows": 12}
    )
    is_mental_health = BooleanField(
        "Mental health topic",
        description=(
            "Show the crisis-support notice on this topic's page, on its articles and in their "
            "feed items."
        ),
    )
    review_interval_months = StringField(
        "Review interval (months)",
        description=(
            "How long after a medical review the next one falls due for this topic's guides, "
            f"from 1 to {MAX_REVIEW_INTERVAL_MONTHS}. Leave empty for 12 months."
        ),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    save = SubmitField("Save topic")

    FIELD_OF = {"intro_markdown": "intro"}

    def to_input(self) -> TopicInput:
        """Return what the editor typed, as the write side takes it."""
        return TopicInput(
            title=self.title.data or "",
            description=self.description.data or "",
            intro_markdown=self.intro.data or "",
            slug=self.slug.data or "",
            is_mental_health=bool(self.is_mental_health.data),
            review_interval_months=_months(self.review_interval_months.data),
        )

    def fill_from(self, topic: Topic) -> None:
        """Put the text of ``topic`` into the fields."""
        data = TopicInput.of(topic)
        self.title.data = data.title
        self.slug.data = data.slug
        self.description.data = data.description
        self.intro.data = data.intro_markdown
        self.is_mental_health.data = data.is_mental_health
        months = data.review_interval_months
        self.review_interval_months.data = str(months) if months is not None else ""


class GlossaryTermForm(DomainForm):
    term = StringField(
        "Term",
        description=f"As readers see it in the glossary, up to {MAX_TERM_LENGTH} characters.",
        render_kw={"autocomplete": "off", "maxlength": MAX_TERM_LENGTH},
    )
    synonyms = TextAreaField(
        "Other names",
        description=(
            "Optional. Abbreviations and other names for the same thing, one a line "
            "(“MAOI”). Pages mark these like the term; search treats them as the same word."
        ),
        render_kw={"rows": 4, "autocomplete": "off"},
    )
    definition = TextAreaField(
        "Short definition",
        description=(
            f"One plain-language sentence, up to {MAX_DEFINITION_LENGTH} characters, shown "
            "beside the term's first use on a page."
        ),
        render_kw={"rows": 3},
    )
    explanation = TextAreaField(
        "Longer explanation",
        description="Optional. Markdown, shown in the glossary below the definition.",
        render_kw={"rows": 8},
    )
    slug = StringField(
        "Anchor",
        description=(
            "The term's address in the glossary, /glossary#… Leave empty to make it from the term."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    save = SubmitField("Save term")

    FIELD_OF = {"explanation_markdown": "explanation"}

    def to_input(self) -> GlossaryInput:
        """Return what the editor typed, as the write side takes it."""
        return GlossaryInput(
            term=self.term.data or "",
            synonyms=self.synonyms.data or "",
            definition=self.definition.data or "",
            explanation_markdown=self.explanation.data or "",
            slug=self.slug.data or "",
        )

    def fill_from(self, term: GlossaryTerm) -> None:
        """Put the text of ``term`` into the fields."""
        data = GlossaryInput.of(term)
        self.term.data = data.term
        self.synonyms.data = data.synonyms
        self.definition.data = data.definition
        self.explanation.data = data.explanation_markdown
        self.slug.data = data.slug


def _notice_field(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=f"{description} Markdown, up to {MAX_NOTICE_LENGTH:,} characters. "
        "Leave empty for the default text.",
        render_kw={"rows": 6},
    )


class SiteNoticesForm(DomainForm):
    """The safety notices, named as their settings' keys (``blog.notices``)."""

    crisis_notice = _notice_field(
        "Crisis-support notice",
        "Shown with mental-health topics: what to do and whom to call in a crisis.",
    )
    medical_disclaimer = _notice_field(
        "Medical disclaimer", "Shown with every article and topic, and in every feed item."
    )
    save = SubmitField("Save the notices")

    def to_input(self) -> dict[str, str]:
        """Return what the editor typed, by setting key."""
        return {
            "crisis_notice": self.crisis_notice.data or "",
            "medical_disclaimer": self.medical_disclaimer.data or "",
        }

    def fill_from(self, texts: dict[str, str]) -> None:
        """Put the stored texts (by setting key) into the fields."""
        self.crisis_notice.data = texts.get("crisis_notice", "")
        self.medical_disclaimer.data = texts.get("medical_disclaimer", "")


class ImageUploadForm(DomainForm):
    file = FileField(
        "Image file",
        description=f"JPEG, PNG, WebP or GIF (its first frame), up to "
        f"{MAX_IMAGE_UPLOAD_BYTES // 1024 // 1024} MB. Location and camera details are removed.",
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"},
    )
    alt_text = StringField(
        "Description (alt text)",
        description=f"What the image shows, for readers who cannot see it; plain text, up to "
        f"{MAX_ALT_TEXT_LENGTH} characters.",
        render_kw={"autocomplete": "off", "maxlength": MAX_ALT_TEXT_LENGTH},
    )
    decorative = BooleanField(
        "Decorative: it adds nothing to the text, so screen readers skip it "
        "(leave the description empty)"
    )
    upload = SubmitField("Upload")
