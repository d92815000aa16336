/** The masking of passwords and secret query parameters in the URLs the command echoes. */
import { describe, expect, it } from 'vitest';

import { maskUrl } from '../src/cli/mask-url.js';

describe('maskUrl', () => {
  it.each([
    ['a URL without secrets', 'redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    [
      'the password after the user name',
      'mysql://root:hunter2@127.0.0.1:3306/zohooauth',
      'mysql://root:***@127.0.0.1:3306/zohooauth',
    ],
    [
      'an ioredis password parameter',
      'redis://127.0.0.1:6379/?password=redispw',
      'redis://127.0.0.1:6379/?password=***',
    ],
    [
      'parameter names in any case and anywhere in the name',
      'redis://127.0.0.1/?db=2&PassWord=a&sentinelPassword=b&PWD=c&clientSecret=d&token=e&x=1',
      'redis://127.0.0.1/?db=2&PassWord=***&sentinelPassword=***&PWD=***&clientSecret=***&token=***&x=1',
    ],
    [
      'a mysql2 password parameter next to a JSON ssl value',
      'mysql://root@127.0.0.1/db?ssl={"rejectUnauthorized":true}&password=hunter2',
      'mysql://root@127.0.0.1/db?ssl={"rejectUnauthorized":true}&password=***',
    ],
    [
      'a percent-encoded parameter name',
      'redis://127.0.0.1/?pass%77ord=hunter2',
      'redis://127.0.0.1/?pass%77ord=***',
    ],
    [
      'a MongoDB key file password',
      'mongodb://127.0.0.1:27017/db?tls=true&tlsCertificateKeyFilePassword=hunter2',
      'mongodb://127.0.0.1:27017/db?tls=true&tlsCertificateKeyFilePassword=***',
    ],
    [
      'a session token among MongoDB auth properties',
      'mongodb://127.0.0.1/db?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:hunter2,SERVICE_NAME:mongodb',
      'mongodb://127.0.0.1/db?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:***,SERVICE_NAME:mongodb',
    ],
    [
      'MongoDB auth properties with encoded separators',
      'mongodb://127.0.0.1/db?authMechanismProperties=SERVICE_NAME%3Amongodb%2CAWS_SESSION_TOKEN%3Ahunter2',
      'mongodb://127.0.0.1/db?authMechanismProperties=SERVICE_NAME%3Amongodb%2CAWS_SESSION_TOKEN%3A***',
    ],
    [
      'a list of MongoDB hosts, which does not parse as a URL',
      'mongodb://user:hunter2@127.0.0.1:27017,127.0.0.1:27018/db?replicaSet=rs&password=x',
      'mongodb://user:***@127.0.0.1:27017,127.0.0.1:27018/db?replicaSet=rs&password=***',
    ],
    [
      'the rest of a value after an unencoded #',
      'redis://127.0.0.1/?password=hun#ter2',
      'redis://127.0.0.1/?password=***#***',
    ],
    [
      'a password with an unencoded ?',
      'redis://user:hun?ter2@127.0.0.1:6379',
      'redis://user:***@127.0.0.1:6379',
    ],
  ])('masks %s', (_name, url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});
