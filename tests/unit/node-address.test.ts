import { describe, expect, it } from 'vitest';
import { parseNodeAddress } from '@/lib/fleet/node-address';

describe('parseNodeAddress', () => {
  it('gives host, port and database and never the user or password', () => {
    const address = parseNodeAddress('postgres://shardscope_monitor:s3cret@127.0.0.1:55311/app');
    expect(address).toEqual({ host: '127.0.0.1', port: 55311, database: 'app' });
    expect(JSON.stringify(address)).not.toMatch(/s3cret|shardscope_monitor/);
  });

  it('is not fooled by an @ or a colon inside the password', () => {
    expect(parseNodeAddress('postgresql://monitor:p@ss:w0rd@db.internal:6432/tenants')).toEqual({
      host: 'db.internal',
      port: 6432,
      database: 'tenants',
    });
  });

  it('uses the default port 5432 when the URL names none', () => {
    expect(parseNodeAddress('postgres://m:pw@replica-1.example.com/app?sslmode=require')).toEqual({
      host: 'replica-1.example.com',
      port: 5432,
      database: 'app',
    });
  });

  it('reads a bracketed IPv6 host and decodes the database name', () => {
    expect(parseNodeAddress('postgres://m:pw@[::1]:5433/my%20db')).toEqual({ host: '::1', port: 5433, database: 'my db' });
  });

  it('takes host, port and database from query parameters when the authority leaves them out', () => {
    expect(parseNodeAddress('postgres://m:pw@/?host=/var/run/postgresql&port=6543&dbname=app')).toEqual({
      host: '/var/run/postgresql',
      port: 6543,
      database: 'app',
    });
  });

  it('names the first host of a multi-host URL', () => {
    expect(parseNodeAddress('postgres://m:pw@h1:5432,h2:5433/app')).toEqual({ host: 'h1', port: 5432, database: 'app' });
  });

  it('defaults the database to the user name, as libpq does', () => {
    expect(parseNodeAddress('postgres://reporting@db.internal')).toEqual({ host: 'db.internal', port: 5432, database: 'reporting' });
  });

  it('refuses a URL that is not postgres://', () => {
    expect(() => parseNodeAddress('mysql://u:p@h/db')).toThrow(/postgres/);
  });
});
