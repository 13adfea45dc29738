/**
 * libpq's multi-host connection URL (`postgres://user@db1:5432,db2:5432/hub?target_session_attrs=
 * read-write`), which operators already write for psql and pgbouncer, split into one URL per
 * server: `pg` connects to one host only. The order is kept: the first is tried first.
 */
export function serverUrlsOf(connectionString: string): string[] {
  const match = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/.exec(connectionString);
  if (!match) return [connectionString];
  const [, scheme, userInfo = '', hosts = '', rest = ''] = match;
  const servers = hosts.split(',').filter((host) => host !== '');
  if (servers.length <= 1) return [connectionString];
  // Choosing the writable server is what the hub does itself; `pg` would not know the parameter.
  const tail = withoutParameter(rest, 'target_session_attrs');
  return servers.map((host) => `${scheme}${userInfo}${host}${tail}`);
}

function withoutParameter(pathAndQuery: string, name: string): string {
  const at = pathAndQuery.indexOf('?');
  if (at < 0) return pathAndQuery;
  const kept = pathAndQuery
    .slice(at + 1)
    .split('&')
    .filter((pair) => pair !== '' && pair.split('=')[0] !== name);
  return kept.length === 0 ? pathAndQuery.slice(0, at) : `${pathAndQuery.slice(0, at)}?${kept.join('&')}`;
}
