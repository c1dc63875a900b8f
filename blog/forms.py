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
from .accounts import normalise_username
from .models import Article, ArticleRevision, Topic
from .publishing import ArticleInput
from .rules import (
    MAX_ALT_TEXT_LENGTH,
    MAX_IMAGE_UPLOAD_BYTES,
    MAX_PASSWORD_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_TOPIC_DESCRIPTION_LENGTH,
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


class DisplayNameForm(DomainForm):
    display_name = StringField("Name", description="As readers see it on your articles.")
    save_name = SubmitField("Save the name")


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
    save = SubmitField("Save topic")

    FIELD_OF = {"intro_markdown": "intro"}

    def to_input(self) -> TopicInput:
        """Return what the editor typed, as the write side takes it."""
        return TopicInput(
            title=self.title.data or "",
            description=self.description.data or "",
            intro_markdown=self.intro.data or "",
            slug=self.slug.data or "",
        )

    def fill_from(self, topic: Topic) -> None:
        """Put the text of ``topic`` into the fields."""
        data = TopicInput.of(topic)
        self.title.data = data.title
        self.slug.data = data.slug
        self.description.data = data.description
        self.intro.data = data.intro_markdown


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
