//! The SQL goldfish sends: the table, created on first use, and the
//! prepared statements a session store needs (load, create under a cap,
//! save, delete, sweep, and a ping). Every value travels as a parameter
//! (`$1`), never inside the SQL text (see `wire::bind`).

use super::client::Statement;

/// The table, created on first use. See the module docs for why each part.
/// Sent as one simple `Query`: it carries no value from anyone.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS goldfish_sessions (\
id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{43}$'), \
data json NOT NULL, \
expires_at timestamptz NOT NULL); \
CREATE INDEX IF NOT EXISTS goldfish_sessions_expires_at ON goldfish_sessions (expires_at)";

/// `$1` = the id.
pub const LOAD: Statement = Statement {
    name: "goldfish_load",
    sql: "SELECT data FROM goldfish_sessions WHERE id = $1 AND expires_at > now()",
};

/// `$1` = the id, `$2` = the JSON, `$3` = seconds to live, `$4` = the cap.
/// Inserts nothing (`INSERT 0 0`) when the table holds `$4` live sessions.
pub const CREATE: Statement = Statement {
    name: "goldfish_create",
    sql: "INSERT INTO goldfish_sessions (id, data, expires_at) \
          SELECT $1, $2::json, now() + $3::integer * interval '1 second' \
          WHERE (SELECT count(*) FROM goldfish_sessions WHERE expires_at > now()) < $4::bigint",
};

/// `$1` = the id, `$2` = the JSON, `$3` = seconds to live.
pub const SAVE: Statement = Statement {
    name: "goldfish_save",
    sql: "INSERT INTO goldfish_sessions (id, data, expires_at) \
          VALUES ($1, $2::json, now() + $3::integer * interval '1 second') \
          ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
};

/// `$1` = the id.
pub const DELETE: Statement = Statement {
    name: "goldfish_delete",
    sql: "DELETE FROM goldfish_sessions WHERE id = $1",
};

/// Run by the sweeper thread.
pub const SWEEP: Statement = Statement {
    name: "goldfish_sweep",
    sql: "DELETE FROM goldfish_sessions WHERE expires_at < now()",
};

/// `ping`: logs in, creates the table if needed, asks for nothing.
pub(super) const PING: Statement = Statement {
    name: "goldfish_ping",
    sql: "SELECT 1",
};
