-- HypoPG: hypothetical indexes, for the console's "suggested index for a slow
-- statement". The console asks the planner what a statement would cost if an
-- index existed (hypopg_create_index lives in the asking backend's memory
-- only: no catalog write, no lock, nothing other sessions see), so it can
-- suggest a CREATE INDEX CONCURRENTLY for an operator to run. The console
-- itself never runs DDL on a shard: the extension is created here, by the
-- migration, with the shard's owner role.
--
-- Created only where the package is installed (Debian postgresql-15-hypopg;
-- Supabase ships it): a shard without it still migrates, and the console
-- reports hypopgAvailable = false with a note instead of a suggestion. If the
-- package is installed later, this migration is already recorded as applied:
-- run `create extension if not exists hypopg;` on the shard's primary by hand
-- (replicas follow through WAL).

do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'hypopg') then
    create extension if not exists hypopg;
  else
    raise notice 'hypopg is not installed on this server: index suggestions stay unavailable on this shard';
  end if;
end
$$;
