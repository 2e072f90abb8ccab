-- Tenant routing for apps (lib/tenants/tenant-route.ts, routing-client.ts).
--
-- Apps cache each tenant's route (its shard's endpoints) and must learn when
-- it changes: a move's switch flips tenants.shard_id, a fence flips status.
-- The control DB itself says so, from triggers, so that no writer of the
-- directory (the move state machine, an admin at psql, a future tool) can
-- change a route and forget to tell the apps:
--
-- route_version: bumped on every change of a route field (shard, status,
--   layout, schema). The route API returns it (and its ETag changes with it);
--   the client drops a cached route when it hears of a newer version, and
--   ignores a late or duplicated notification of a version it already has.
--   Bumped in a BEFORE trigger, i.e. after the row lock is taken, so two
--   concurrent changes of one tenant always yield two increasing versions.
--
-- pg_notify('shardscope_tenant_route', '{"tenantId":"<uuid>","version":<n>}'):
--   sent on insert, delete and every route change. NOTIFY is transactional:
--   it reaches listeners only when the change commits (never for a rolled
--   back switch), and by then a fresh GET of the route sees the new row.
--   The worker relays it to Redis (lib/tenants/route-notifications.ts) for
--   apps that cannot reach the control DB. A delete announces the removed
--   row's version + 1: newer than anything cached, so clients drop it.
--   Channel name: TENANT_ROUTE_PG_CHANNEL in lib/tenants/tenant-route-model.ts.
alter table tenants
  add column route_version bigint not null default 1 check (route_version >= 1);

create function tenants_bump_route_version() returns trigger
language plpgsql
as $$
begin
  new.route_version := old.route_version + 1;
  return new;
end;
$$;

create trigger tenants_bump_route_version
  before update on tenants
  for each row
  when (
    new.shard_id is distinct from old.shard_id
    or new.status is distinct from old.status
    or new.layout is distinct from old.layout
    or new.schema_name is distinct from old.schema_name
  )
  execute function tenants_bump_route_version();

create function tenants_notify_route_change() returns trigger
language plpgsql
as $$
begin
  if tg_op = 'DELETE' then
    perform pg_notify('shardscope_tenant_route', json_build_object('tenantId', old.id, 'version', old.route_version + 1)::text);
    return old;
  end if;
  perform pg_notify('shardscope_tenant_route', json_build_object('tenantId', new.id, 'version', new.route_version)::text);
  return new;
end;
$$;

create trigger tenants_notify_route_insert_delete
  after insert or delete on tenants
  for each row
  execute function tenants_notify_route_change();

-- Only updates that changed the route: a tier edit or a pin is not the apps' business.
create trigger tenants_notify_route_update
  after update on tenants
  for each row
  when (new.route_version is distinct from old.route_version)
  execute function tenants_notify_route_change();
