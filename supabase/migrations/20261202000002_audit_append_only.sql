-- The audit log is append-only, and indexed for the audit page's filters.
--
-- No console code updates or deletes audit rows, and no retention job touches
-- them: the log keeps every row for as long as the database does.

-- Filters of GET /api/audit, each continued by id (newest first).
-- Actor is an exact name: one index range per page.
create index audit_log_actor_id_idx on audit_log (actor, id desc);
-- Action is a prefix ('auth.', 'alert_rule.'): text_pattern_ops lets starts_with
-- use a btree range whatever the database's collation.
create index audit_log_action_prefix_idx on audit_log (action text_pattern_ops);
-- Refusals and failures are the rare rows an operator looks for; 'ok' is most
-- of the log, so the primary key's order finds it as fast.
create index audit_log_not_ok_id_idx on audit_log (result, id desc) where result <> 'ok';
-- Target is a substring match and has no index: a page scans newest first and
-- stops at its size; only a rare target reads far back.

-- Triggers hold for every role, the table's owner and superusers included:
-- the sandbox console connects as a superuser, for which grants mean nothing.
create function audit_log_refuse_change() returns trigger
language plpgsql
as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op
    using errcode = 'insufficient_privilege',
          hint = 'audit rows are never changed or removed; write a new row instead';
end;
$$;

create trigger audit_log_no_update_or_delete
  before update or delete on audit_log
  for each row execute function audit_log_refuse_change();

create trigger audit_log_no_truncate
  before truncate on audit_log
  for each statement execute function audit_log_refuse_change();

-- ALWAYS: they fire under session_replication_role = replica too (the usual
-- way to skip triggers during a restore or a replication apply).
alter table audit_log enable always trigger audit_log_no_update_or_delete;
alter table audit_log enable always trigger audit_log_no_truncate;

revoke update, delete, truncate on audit_log from public;

-- shardscope_console: the role a hosted deployment's console should connect as
-- (as a member of it, or a login role granted it) rather than as the tables'
-- owner. It may read and write every control table, but only read and append
-- to audit_log, so there the grants hold as well as the triggers. NOLOGIN: it
-- has no password to leak. Roles are per cluster, and parallel migrations of
-- several databases on one cluster (the integration tests) may race to create
-- it: a duplicate is fine.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'shardscope_console') then
    begin
      create role shardscope_console nologin;
    exception
      when duplicate_object or unique_violation then null;
    end;
  end if;
end;
$$;

grant usage on schema public to shardscope_console;
grant select, insert, update, delete on all tables in schema public to shardscope_console;
grant usage, select on all sequences in schema public to shardscope_console;
revoke update, delete, truncate on audit_log from shardscope_console;
-- Tables later migrations create (run as the same role as this one) get the same grants.
alter default privileges in schema public grant select, insert, update, delete on tables to shardscope_console;
alter default privileges in schema public grant usage, select on sequences to shardscope_console;
