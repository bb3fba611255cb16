"""The ``Mailer`` adapters: an SMTP server (stdlib ``smtplib``), or the outbox table itself.

``SmtpMailer`` speaks SMTP to one server, with STARTTLS (verified against the system's trust
store) and a login when configured. A refusal with a 5xx code, or of every recipient, is
permanent; a 4xx code, a dropped connection or a timeout is worth trying again.

``OutboxMailer`` is used when no SMTP server is configured: the message is already in the
``mail_messages`` table, where the operator (``credstack outbox``) and the tests read it, so
delivering it is keeping it there; it is done inside the transaction that wrote the message
(no task, so with SQLite no second writer races the request).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from credstack.errors import DeliveryFailed


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int = 587
    sender: str = "Credstack <no-reply@localhost>"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    timeout: float = 10.0

    @property
    def transport(self) -> str:
        return "smtp"

    @property
    def remote(self) -> bool:
        return True

    def send(self, recipient: str, subject: str, body: str, *, message_id: str) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = recipient
        email["Subject"] = subject
        # The outbox id in the Message-ID ties a delivered message to its row.
        email["Message-ID"] = make_msgid(idstring=message_id)
        email.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                server.ehlo()
                if self.starttls:
                    server.starttls(context=ssl.create_default_context())
                    server.ehlo()
                if self.username:
                    server.login(self.username, self.password or "")
                server.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(
                f"The mail server refused the recipient ({', '.join(map(str, codes))}).",
                permanent=all(code >= 500 for code in codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailed(
                f"The mail server answered {exc.smtp_code}: {_text(exc.smtp_error)}",
                permanent=exc.smtp_code >= 500,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Connection refused or dropped, timeout, TLS failure: the server may come back.
            raise DeliveryFailed(
                f"The mail server at {self.host}:{self.port} could not be reached: "
                f"{type(exc).__name__}: {exc}"
            ) from exc


class OutboxMailer:
    @property
    def transport(self) -> str:
        return "outbox"

    @property
    def remote(self) -> bool:
        return False

    def send(self, recipient: str, subject: str, body: str, *, message_id: str) -> None:
        """Nothing leaves: the outbox row is the delivery."""


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
