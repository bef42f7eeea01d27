"""The core's ports: small Protocols named for the role they play, one module per concern."""

from core.ports.books import Books
from core.ports.charts import ChartRenderer
from core.ports.choices import HeldChoice, HeldChoices
from core.ports.clubs import Clubs, Quizzes
from core.ports.conversation import MessageRef, Responder
from core.ports.counseling import Counseling
from core.ports.crisis import CrisisClassifier
from core.ports.crypto import Cipher
from core.ports.diary import Diary
from core.ports.embeddings import Embedder
from core.ports.friends import Friends
from core.ports.images import ImageModel, Picture
from core.ports.inbox import Inbox
from core.ports.job_queue import JobQueue
from core.ports.language_model import (
    CallFinished,
    ChatMessage,
    LanguageModel,
    ModelCall,
    SchemaT,
    StreamEvent,
    TextDelta,
)
from core.ports.leases import Leases
from core.ports.locks import Locks
from core.ports.mediation import Mediations
from core.ports.messaging import AddressingMessenger, Messenger, Recipient, RecipientUnreachable, RetryLater
from core.ports.ops import Metrics, OpsAlerts
from core.ports.outbox import Outbox
from core.ports.pacing import Pacer
from core.ports.points import Points
from core.ports.presence import Presence
from core.ports.schedules import Schedules
from core.ports.shopping import Broadcasts, Watches
from core.ports.time import Clock
from core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from core.ports.usage import Usage
from core.ports.users import CodeTries, IdentityTaken, Users

__all__ = [
    "AddressingMessenger",
    "Books",
    "Broadcasts",
    "CallFinished",
    "ChartRenderer",
    "ChatMessage",
    "Cipher",
    "Clock",
    "Clubs",
    "CodeTries",
    "Counseling",
    "CrisisClassifier",
    "Diary",
    "Embedder",
    "Friends",
    "HeldChoice",
    "HeldChoices",
    "IdentityTaken",
    "ImageModel",
    "Inbox",
    "JobQueue",
    "LanguageModel",
    "Leases",
    "Locks",
    "Mediations",
    "MessageRef",
    "Messenger",
    "Metrics",
    "ModelCall",
    "OpsAlerts",
    "Outbox",
    "Pacer",
    "Picture",
    "Points",
    "Presence",
    "Quizzes",
    "Recipient",
    "RecipientUnreachable",
    "Responder",
    "RetryLater",
    "Schedules",
    "SchemaT",
    "StreamEvent",
    "TextDelta",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "Usage",
    "Users",
    "Watches",
]
