"""Configuration classes; every setting can be overridden by an environment variable."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE_PATH = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key() -> str:
    """Generate the development secret once and keep it under instance/."""
    path = INSTANCE_PATH / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def ratelimit_storage_uri(environ=os.environ, instance_path: Path = INSTANCE_PATH) -> str:
    """Where the login and registration counters live; every worker must share them.

    RATELIMIT_STORAGE_URI wins; else Redis when REDIS_URL is set (several servers); else a
    SQLite file under instance/ that every gunicorn worker on this machine opens
    (portal/ratelimit.py). Never memory:// outside tests: that counts in each worker alone.
    """
    return (environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL")
            or f"sqlite:///{instance_path / 'ratelimits.sqlite3'}")


def ratelimit_storage_options(uri: str) -> dict:
    # A Redis that stops answering must fail fast into the fallback, not hang every login.
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return {"socket_timeout": 1, "socket_connect_timeout": 1}
    return {}


SHARED_RATELIMIT_STORAGE_URI = ratelimit_storage_uri()


class Config:
    """Settings shared by every environment."""

    @classmethod
    def ensure_secret_key(cls, app_config: dict) -> None:
        """Production and tests must be given a key; development makes its own."""
        if not app_config.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY is not set: refusing to start without one.")

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'portal.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: the public address in QR codes, posters and calendar links. Empty: the address each
    #: request came in on (portal.web.base_url). Set it behind a proxy without PROXY_COUNT,
    #: for printed posters, and for messages sent from cron.
    BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = {"zh": "简体中文", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; elderly users leave forms open
    #: one post's whole body: a matter may carry six phone photos of a few MB each
    MAX_CONTENT_LENGTH = 40 * 1024 * 1024

    #: one process's memory: only for tests, and for the apps tests build from this base (the
    #: limiter is one object, so such an app re-points it for the rest of the run). The
    #: environments that serve share their counters: DevConfig and ProductionConfig.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STORAGE_OPTIONS: dict = {}
    #: fail-open to per-worker counting when the shared storage fails (see
    #: portal/ratelimit.SQLiteStorage): a broken disk or Redis must not lock everyone out
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    #: POST /login, per address and per phone number
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    #: failed certificate look-ups at /v/<number> per address (a genuine scan never counts)
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "20 per minute")
    #: Open311 filing (POST /open311/v2/requests.json): per address, and per API key
    #: 微议事: residents who must back a topic before the party branch reviews it
    COUNCIL_BACKING_THRESHOLD = int(os.environ.get("COUNCIL_BACKING_THRESHOLD", "20"))
    #: 微议事: days a vote's outcome stays on the public 公示 list
    COUNCIL_PUBLISH_DAYS = int(os.environ.get("COUNCIL_PUBLISH_DAYS", "7"))
    OPEN311_RATE_LIMIT = os.environ.get("OPEN311_RATE_LIMIT", "30 per minute")
    OPEN311_KEY_RATE_LIMIT = os.environ.get("OPEN311_KEY_RATE_LIMIT", "500 per day")
    #: offline scanning: a 32-byte Ed25519 seed (base64url) to rotate the portal's signing
    #: key on its own; unset, the key is derived from SECRET_KEY (portal/offline/keys.py)
    OFFLINE_SIGNING_SEED = os.environ.get("OFFLINE_SIGNING_SEED") or None
    #: /api/v1, per token (per address for requests without a working token)
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    LOGIN_PHONE_RATE_LIMIT = os.environ.get("LOGIN_PHONE_RATE_LIMIT", "5 per minute")
    #: POST /register. It tells whether a phone is registered, so it is counted per hour.
    #: Per phone: a resident registers once and retypes a few times at most. Per address:
    #: room for a service station's Wi-Fi or a carrier's shared address where several
    #: neighbours sign up in the same hour, but not for walking through a list of numbers.
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "20 per hour")
    REGISTER_PHONE_RATE_LIMIT = os.environ.get("REGISTER_PHONE_RATE_LIMIT", "5 per hour")
    #: number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SEND_FILE_MAX_AGE_DEFAULT = 60 * 60 * 24 * 365  # static URLs carry a content hash

    #: hours rounding for the part of each hour: "<minutes below>:<credited minutes>,..."
    #: default: under 15 min counts 0, 15-45 counts 30, 45-60 counts a full hour
    HOURS_ROUNDING = os.environ.get("HOURS_ROUNDING", "15:0,45:30")
    #: service hours for one to five stars (the national thresholds)
    STAR_THRESHOLDS_HOURS = os.environ.get("STAR_THRESHOLDS_HOURS", "100,300,600,1000,1500")
    #: an award above this many points needs a second staff member's approval
    AWARD_APPROVAL_THRESHOLD = os.environ.get("AWARD_APPROVAL_THRESHOLD", "5")
    #: days a posted award stays on the public notice (公示), open to objections
    AWARD_NOTICE_DAYS = int(os.environ.get("AWARD_NOTICE_DAYS", "3"))
    #: where uploaded photos are kept (outside static/: they are served with access checks)
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_PATH / "uploads"))

    #: a resident with this many no-shows within NO_SHOW_WINDOW_DAYS cannot sign up for a while
    NO_SHOW_LIMIT = int(os.environ.get("NO_SHOW_LIMIT", "3"))
    NO_SHOW_WINDOW_DAYS = int(os.environ.get("NO_SHOW_WINDOW_DAYS", "90"))
    #: `flask send-reminders` reminds volunteers of shifts starting within this many hours
    REMINDER_HOURS_AHEAD = int(os.environ.get("REMINDER_HOURS_AHEAD", "24"))
    #: self check-in opens this many minutes before a shift starts (and closes at its end)
    CHECKIN_OPENS_MINUTES = int(os.environ.get("CHECKIN_OPENS_MINUTES", "30"))
    #: a coordinator may reverse an attendance's credit within this many days
    CREDIT_REVERSAL_DAYS = int(os.environ.get("CREDIT_REVERSAL_DAYS", "7"))
    #: a clerk may void a counter redemption within this many minutes
    REDEMPTION_VOID_MINUTES = int(os.environ.get("REDEMPTION_VOID_MINUTES", "10"))
    #: 微心愿: the highest estimated value of a wish, in yuan
    WISH_VALUE_CAP = int(os.environ.get("WISH_VALUE_CAP", "300"))
    #: open (claimed, not yet fulfilled) wishes one party member may hold
    WISH_MAX_OPEN_CLAIMS = int(os.environ.get("WISH_MAX_OPEN_CLAIMS", "3"))
    #: a claim with no progress for this many days goes back to the wall
    #: (flask release-stale-claims)
    WISH_STALE_CLAIM_DAYS = int(os.environ.get("WISH_STALE_CLAIM_DAYS", "14"))
    #: the claimer is reminded this many days before that release (flask remind-stale-claims);
    #: 0 sends no reminders
    WISH_STALE_WARN_DAYS = int(os.environ.get("WISH_STALE_WARN_DAYS", "3"))
    #: a reservation (预约兑换) waits this many days for pickup, then expires by the cron
    RESERVATION_DAYS = int(os.environ.get("RESERVATION_DAYS", "7"))
    #: "module:Class" of the SMS backend; the default only writes to the log
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "portal.inbox.sms:LogSmsBackend")


class DevConfig(Config):
    ENV_NAME = "development"
    RATELIMIT_STORAGE_URI = SHARED_RATELIMIT_STORAGE_URI
    RATELIMIT_STORAGE_OPTIONS = ratelimit_storage_options(RATELIMIT_STORAGE_URI)

    @classmethod
    def ensure_secret_key(cls, app_config: dict) -> None:
        app_config["SECRET_KEY"] = app_config.get("SECRET_KEY") or _dev_secret_key()


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"  # fast; one process, so nothing to share
    WTF_CSRF_ENABLED = False
    BASE_URL = "http://portal.test"


class ProductionConfig(Config):
    ENV_NAME = "production"
    RATELIMIT_STORAGE_URI = SHARED_RATELIMIT_STORAGE_URI
    RATELIMIT_STORAGE_OPTIONS = ratelimit_storage_options(RATELIMIT_STORAGE_URI)
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {"development": DevConfig, "testing": TestConfig, "production": ProductionConfig}


def config_from_env():
    return CONFIGS[os.environ.get("PORTAL_ENV", "development")]
