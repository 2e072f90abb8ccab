-- Console users (the local sign-in provider) and their revocable sessions.
-- A session's cookie carries a random id; only its SHA-256 is stored here, so
-- reading this table does not let anyone sign in.

create table console_users (
  -- Lowercase: sign-in folds the name it is given.
  name          text primary key check (name ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
  role          text not null check (role in ('viewer', 'operator', 'admin')),
  -- scrypt$N$r$p$salt$hash (lib/auth/password-hash.ts).
  password_hash text not null,
  disabled      boolean not null default false,
  -- HMAC of the env password this user was last seeded from: a restart with
  -- the same env keeps a password reset on the Users page; a changed env wins.
  env_password_fingerprint text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  last_sign_in_at timestamptz
);

create table console_sessions (
  id            bigint generated always as identity primary key,
  token_hash    bytea not null unique,
  user_name     text not null references console_users (name) on delete cascade,
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  expires_at    timestamptz not null,
  revoked_at    timestamptz,
  -- 'sign_out', 'sign_out_everywhere', 'password_reset', 'disabled'
  revoked_reason text,
  client_address text,
  user_agent    text
);

create index console_sessions_live_by_user_idx on console_sessions (user_name) where revoked_at is null;
create index console_sessions_expires_idx on console_sessions (expires_at);
