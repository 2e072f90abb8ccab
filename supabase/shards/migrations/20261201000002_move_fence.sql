-- The write fence of an online tenant move (lib/rebalance/move-fence.ts;
-- DESIGN.md "Tenant moves", phases fence and switch).
--
-- A row here makes this shard refuse every INSERT, UPDATE and DELETE of the
-- tenant's rows, in the shared tables and in its own schema alike:
--   fenced  the tenant is being switched to target_shard_id: SQLSTATE SSF01,
--           the writer retries once the route changes;
--   moved   the tenant lives on target_shard_id now: SQLSTATE SSM01, a stale
--           writer is told where to go instead of writing to the old shard.
-- Both are STALE_ROUTE_SQLSTATES (lib/tenants/tenant-route-model.ts): the
-- routing client refreshes the route and retries on either. Reads go on.
--
-- Logical replication apply workers do not fire ordinary triggers, so a
-- tenant moving back onto a shard that still holds its 'moved' row is still
-- copied in; the move lifts that row before the tenant's writes return here.

create table shardscope_tenant_fences (
  tenant_id        uuid primary key,
  state            text not null check (state in ('fenced', 'moved')),
  target_shard_id  text not null,
  fenced_at        timestamptz not null default now()
);

-- Only the shard's owner (the migrations' and moves' role) reads or changes
-- fences. The apps' role would otherwise get write access through the
-- schema's default privileges, and could lift its own fence.
revoke all on shardscope_tenant_fences from public;
do $$
declare
  grantee_name text;
begin
  for grantee_name in
    select distinct acl.grantee::regrole::text
    from pg_class c
    cross join lateral aclexplode(c.relacl) as acl
    where c.oid = 'public.shardscope_tenant_fences'::regclass
      and acl.grantee not in (0, c.relowner)
  loop
    execute format('revoke all on public.shardscope_tenant_fences from %s', grantee_name);
  end loop;
end
$$;

-- BEFORE each row written to a tenant table: one primary-key probe of the
-- fence table (empty for every tenant that is not moving: an index lookup
-- that finds nothing). SECURITY DEFINER so any role that may write a tenant
-- table is checked without being able to read the fences itself; a fixed
-- search_path and a schema-qualified table so no caller's objects stand in.
--
-- Bypass: a move's cleanup deletes the tenant's rows from the source while
-- its 'moved' row stands. It sets shardscope.fence_bypass to the tenant id
-- for its transaction, and the bypass holds only for a session of the fence
-- table's owner: an app that sets the same setting is still refused.
create function shardscope_refuse_fenced_write() returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  fence public.shardscope_tenant_fences%rowtype;
begin
  if tg_op = 'INSERT' then
    select * into fence from public.shardscope_tenant_fences where tenant_id = new.tenant_id;
  elsif tg_op = 'DELETE' then
    select * into fence from public.shardscope_tenant_fences where tenant_id = old.tenant_id;
  elsif new.tenant_id is not distinct from old.tenant_id then
    select * into fence from public.shardscope_tenant_fences where tenant_id = new.tenant_id;
  else
    -- An update that changes tenant_id writes to both tenants.
    select * into fence from public.shardscope_tenant_fences
    where tenant_id in (new.tenant_id, old.tenant_id)
    order by fenced_at
    limit 1;
  end if;

  if fence.tenant_id is null then
    return case when tg_op = 'DELETE' then old else new end;
  end if;

  if current_setting('shardscope.fence_bypass', true) = fence.tenant_id::text
     and pg_has_role(session_user,
                     (select c.relowner from pg_class c where c.oid = 'public.shardscope_tenant_fences'::regclass),
                     'member') then
    return case when tg_op = 'DELETE' then old else new end;
  end if;

  if fence.state = 'fenced' then
    raise exception 'tenant % is being moved to shard %: writes are paused, retry after the route changes',
        fence.tenant_id, fence.target_shard_id
      using errcode = 'SSF01',
            detail = format('%s on %I.%I refused: the tenant has been fenced on this shard since %s.',
                            tg_op, tg_table_schema, tg_table_name, fence.fenced_at),
            hint = format('The tenant''s new shard is %s: refresh its route and retry there once the move switches.',
                          fence.target_shard_id);
  end if;
  raise exception 'tenant % has moved to shard %: this shard no longer takes its writes',
      fence.tenant_id, fence.target_shard_id
    using errcode = 'SSM01',
          detail = format('%s on %I.%I refused: the tenant''s rows here are a leftover of its move.',
                          tg_op, tg_table_schema, tg_table_name),
          hint = format('Refresh the tenant''s route and write to shard %s.', fence.target_shard_id);
end
$$;

revoke all on function shardscope_refuse_fenced_write() from public;

-- Every tenant table: the shared ones in public, and each schema-layout
-- tenant's copies (tenant_<32 hex>, lib/tenants/tenant-schema.ts, which
-- attaches the same trigger to a schema created from now on).
do $$
declare
  target regclass;
begin
  for target in
    select c.oid::regclass
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p')
      and c.relname in ('app_users', 'orders', 'events')
      and (n.nspname = 'public' or n.nspname ~ '^tenant_[0-9a-f]{32}$')
  loop
    execute format(
      'create or replace trigger shardscope_fence before insert or update or delete on %s '
      'for each row execute function public.shardscope_refuse_fenced_write()',
      target);
  end loop;
end
$$;
