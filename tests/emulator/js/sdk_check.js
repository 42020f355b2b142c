// The independent check: the official AWS SDK for JavaScript v3 against fluxaws-emulator.
// Every operation works with the right credentials and fails with AWS's own error code
// with the wrong ones. Run by run_sdk_check.sh, which starts the emulators and sources
// DIR/env (AWS_ENDPOINT_URL_*, NODE_EXTRA_CA_CERTS) first.
//
// Environment: EMU_STATE (conformance world's state dir), EMU_ASSUME_STATE (the
// assume-role world's), EMU_WORLDS (tests/emulator/worlds).
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { Readable } = require('node:stream');

const { STSClient, GetCallerIdentityCommand, AssumeRoleCommand, AssumeRoleWithWebIdentityCommand } =
  require('@aws-sdk/client-sts');
const { ECRClient, GetAuthorizationTokenCommand } = require('@aws-sdk/client-ecr');
const { KMSClient, EncryptCommand, DecryptCommand, GenerateDataKeyCommand } = require('@aws-sdk/client-kms');
const { S3Client, HeadBucketCommand, ListObjectsV2Command, GetObjectCommand, PutObjectCommand } =
  require('@aws-sdk/client-s3');

const state = process.env.EMU_STATE;
const assumeState = process.env.EMU_ASSUME_STATE;
const worlds = process.env.EMU_WORLDS;
const ready = JSON.parse(fs.readFileSync(path.join(state, 'ready.json'), 'utf8'));
const assumeReady = JSON.parse(fs.readFileSync(path.join(assumeState, 'ready.json'), 'utf8'));
const ca = fs.readFileSync(ready.ca);
const ACCOUNT = '111122223333';

const ci = { accessKeyId: 'AKIACONFORMANCE00001', secretAccessKey: 'conformance/Secret+Key/00001' };
const outsider = { accessKeyId: 'AKIAOUTSIDER00000001', secretAccessKey: 'outsider/Secret+Key/00001' };
const wrongSecret = { accessKeyId: 'AKIACONFORMANCE00001', secretAccessKey: 'not/the/secret' };
const unknownKey = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever' };

const base = { maxAttempts: 1 };
const sts = (credentials, extra = {}) => new STSClient({ ...base, region: 'us-east-1', credentials, ...extra });
const ecr = (credentials) => new ECRClient({ ...base, region: 'us-east-1', credentials });
const kms = (credentials, region = 'us-east-1') => new KMSClient({ ...base, region, credentials });
// The endpoint is an IP address: path-style addressing.
const s3 = (credentials, region = 'us-east-1') => new S3Client({ ...base, region, credentials, forcePathStyle: true });

let passed = 0;
const results = [];
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    results.push(`ok   ${name}`);
  } catch (e) {
    results.push(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

// The SDK's error name, and for awsQuery also the wire code (Code): either may match.
function codeOf(e) { return e ? `${e.name}${e.Code && e.Code !== e.name ? ` (Code ${e.Code})` : ''}` : String(e); }
async function refused(promise, codes, messagePart) {
  try {
    await promise;
  } catch (e) {
    const list = Array.isArray(codes) ? codes : [codes];
    assert.ok(list.includes(e.name) || list.includes(e.Code), `expected ${list.join('|')}, got ${codeOf(e)}: ${e.message}`);
    if (messagePart) assert.ok(String(e.message).includes(messagePart), `message lacks ${messagePart}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${codes}, the call succeeded`);
}

function b64url(buf) { return Buffer.from(buf).toString('base64url'); }
function serviceAccountToken(sub, aud, expOffset = 600) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ iss: 'https://oidc.conformance.local', sub, aud, iat: now - 5, nbf: now - 5,
                                          exp: now + expOffset }));
  const signer = crypto.createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  const key = fs.readFileSync(path.join(worlds, 'conformance-oidc.key'));
  return `${header}.${payload}.${b64url(signer.sign(key))}`;
}
async function assumeWeb(role, sub, aud = 'sts.amazonaws.com', expOffset = 600) {
  const out = await sts(undefined).send(new AssumeRoleWithWebIdentityCommand({
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, RoleSessionName: 'sdk-check',
    WebIdentityToken: serviceAccountToken(sub, aud, expOffset) }));
  return out;
}
function credsOf(out) {
  return { accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey,
           sessionToken: out.Credentials.SessionToken };
}

function request(method, host, urlPath, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const servername = /^[0-9.]+$/.test(host) ? undefined : host;  // SNI takes names only
    const req = https.request({ host: '127.0.0.1', port: ready.port, method, path: urlPath, servername, ca,
                                headers: { Host: host, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    if (body) req.write(body);
    req.end();
  });
}
const admin = (method, p, body) => request(method, '127.0.0.1', p, { 'Content-Type': 'application/json' }, body);

async function main() {
  await check('sts GetCallerIdentity (static keys)', async () => {
    const out = await sts(ci).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, `arn:aws:iam::${ACCOUNT}:user/ci`);
    assert.equal(out.Account, ACCOUNT);
  });
  let tenantA;
  await check('sts AssumeRoleWithWebIdentity (RS256 ServiceAccount token)', async () => {
    const out = await assumeWeb('tenant-a', 'system:serviceaccount:tenant-a:flux');
    assert.match(out.Credentials.AccessKeyId, /^ASIA/);
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/tenant-a/sdk-check`);
    assert.equal(out.SubjectFromWebIdentityToken, 'system:serviceaccount:tenant-a:flux');
    assert.ok(out.Credentials.Expiration instanceof Date);
    tenantA = credsOf(out);
    const who = await sts(tenantA).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/tenant-a/sdk-check`);
  });
  await check('sts AssumeRole (role trusting a user; role chaining; account trust)', async () => {
    const endpoint = `https://127.0.0.1:${assumeReady.port}`;
    const deployer = { accessKeyId: 'AKIADEPLOYER00000001', secretAccessKey: 'deployer/Secret+Key/00001' };
    const out = await sts(deployer, { endpoint }).send(new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::444455556666:role/deploy-target', RoleSessionName: 'deploy', DurationSeconds: 7200 }));
    assert.equal(out.AssumedRoleUser.Arn, 'arn:aws:sts::444455556666:assumed-role/deploy-target/deploy');
    const chained = credsOf(out);
    await refused(sts(chained, { endpoint }).send(new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::444455556666:role/via-account', RoleSessionName: 'chain', DurationSeconds: 7200 })),
    'ValidationError');
    const hop = await sts(chained, { endpoint }).send(new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::444455556666:role/via-account', RoleSessionName: 'chain' }));
    assert.equal(hop.AssumedRoleUser.Arn, 'arn:aws:sts::444455556666:assumed-role/via-account/chain');
    const stranger = { accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: 'stranger/Secret+Key/00001' };
    await refused(sts(stranger, { endpoint }).send(new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::444455556666:role/via-account', RoleSessionName: 'nope' })), 'AccessDenied',
    'arn:aws:iam::444455556666:user/stranger');
  });
  await check('ecr GetAuthorizationToken opens the registry', async () => {
    const out = await ecr(ci).send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData[0];
    assert.equal(data.proxyEndpoint, `https://${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`);
    assert.ok(data.expiresAt instanceof Date && data.expiresAt > new Date(Date.now() + 11 * 3600 * 1000));
    const [user, password] = Buffer.from(data.authorizationToken, 'base64').toString().split(/:(.*)/s);
    assert.equal(user, 'AWS');
    const host = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
    const auth = { Authorization: `Basic ${data.authorizationToken}` };
    const tags = await request('GET', host, '/v2/tenant-a/app/tags/list', auth);
    assert.equal(tags.status, 200);
    assert.equal(JSON.parse(tags.body).tags.length, 1000);
    assert.match(tags.headers.link, /rel="next"/);
    const next = tags.headers.link.match(/<https:\/\/[^/]+(\/[^>]+)>/)[1];
    const page2 = await request('GET', host, next, auth);
    assert.equal(JSON.parse(page2.body).tags.length, 1504 - 1000);
    const manifest = await request('GET', host, '/v2/tenant-a/manifests/manifests/v1.1.0',
      { ...auth, Accept: 'application/vnd.oci.image.manifest.v1+json' });
    assert.equal(manifest.status, 200);
    assert.equal(JSON.parse(manifest.body).config.mediaType, 'application/vnd.cncf.flux.config.v1+json');
    const noAuth = await request('GET', host, '/v2/tenant-a/app/tags/list');
    assert.equal(noAuth.status, 401);
    assert.ok(password.length > 20);
  });
  await check('kms Encrypt / Decrypt / GenerateDataKey with an encryption context', async () => {
    const ctx = { purpose: 'sdk-check' };
    const enc = await kms(ci).send(new EncryptCommand({ KeyId: 'alias/tenant-a', Plaintext: Buffer.from('s3cr3t'),
                                                         EncryptionContext: ctx }));
    assert.match(enc.KeyId, /^arn:aws:kms:us-east-1:111122223333:key\//);
    const dec = await kms(ci).send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ctx }));
    assert.equal(Buffer.from(dec.Plaintext).toString(), 's3cr3t');
    await refused(kms(ci).send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob,
                                                    EncryptionContext: { purpose: 'other' } })), 'InvalidCiphertextException');
    const gdk = await kms(tenantA).send(new GenerateDataKeyCommand({ KeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/tenant-a`,
                                                                     KeySpec: 'AES_256' }));
    assert.equal(gdk.Plaintext.length, 32);
    const back = await kms(tenantA).send(new DecryptCommand({ CiphertextBlob: gdk.CiphertextBlob,
                                                              KeyId: 'alias/tenant-a' }));
    assert.deepEqual(Buffer.from(back.Plaintext), Buffer.from(gdk.Plaintext));
    const eu = await kms(ci, 'eu-west-1').send(new EncryptCommand({ KeyId: 'alias/tenant-b', Plaintext: Buffer.from('x') }));
    assert.match(eu.KeyId, /^arn:aws:kms:eu-west-1:/);
  });
  await check('s3 HeadBucket / ListObjectsV2 / GetObject / PutObject', async () => {
    await s3(ci).send(new HeadBucketCommand({ Bucket: 'tenant-a-manifests' }));
    const keys = [];
    let token;
    let pages = 0;
    do {
      const page = await s3(ci).send(new ListObjectsV2Command({ Bucket: 'tenant-a-manifests', MaxKeys: 2,
                                                                ContinuationToken: token }));
      for (const o of page.Contents || []) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      pages += 1;
    } while (token && pages < 10);
    assert.deepEqual(keys, ['.sourceignore', 'NOTES.md', 'apps/deployment.yaml', 'configmap.yaml', 'namespace.yaml']);
    assert.equal(pages, 3);
    const prefixed = await s3(ci).send(new ListObjectsV2Command({ Bucket: 'tenant-a-manifests', Prefix: 'apps/' }));
    assert.equal(prefixed.KeyCount, 1);
    const obj = await s3(ci).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'namespace.yaml' }));
    const text = await obj.Body.transformToString();
    assert.match(text, /tenant-a-apps/);
    const ranged = await s3(ci).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'namespace.yaml',
                                                            Range: 'bytes=0-9' }));
    assert.equal(await ranged.Body.transformToString(), 'apiVersion');
    const e304 = await refused(s3(ci).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'namespace.yaml',
                                                                  IfNoneMatch: obj.ETag })), ['NotModified', 'Unknown', '304']);
    assert.equal(e304.$metadata.httpStatusCode, 304);
    await refused(s3(ci).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'missing.yaml' })), 'NoSuchKey');
    await s3(ci, 'eu-west-1').send(new PutObjectCommand({ Bucket: 'tenant-b-manifests', Key: 'sdk/buffer.yaml',
                                                          Body: Buffer.from('kind: Buffer\n') }));
    // A stream body: the SDK sends aws-chunked with a trailing checksum.
    await s3(ci, 'eu-west-1').send(new PutObjectCommand({ Bucket: 'tenant-b-manifests', Key: 'sdk/stream.yaml',
                                                          Body: Readable.from([Buffer.from('kind: '), Buffer.from('Stream\n')]),
                                                          ContentLength: 13 }));
    for (const [key, want] of [['sdk/buffer.yaml', 'kind: Buffer\n'], ['sdk/stream.yaml', 'kind: Stream\n']]) {
      const got = await s3(ci, 'eu-west-1').send(new GetObjectCommand({ Bucket: 'tenant-b-manifests', Key: key }));
      assert.equal(await got.Body.transformToString(), want);
    }
  });

  // Wrong credentials: AWS's own error codes.
  await check('wrong secret is refused by every service', async () => {
    await refused(sts(wrongSecret).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch');
    await refused(kms(wrongSecret).send(new EncryptCommand({ KeyId: 'alias/tenant-a', Plaintext: Buffer.from('x') })),
      'InvalidSignatureException');
    await refused(ecr(wrongSecret).send(new GetAuthorizationTokenCommand({})), 'InvalidSignatureException');
    await refused(s3(wrongSecret).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'namespace.yaml' })),
      'SignatureDoesNotMatch');
  });
  await check('unknown access key is refused by every service', async () => {
    await refused(sts(unknownKey).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId');
    await refused(kms(unknownKey).send(new EncryptCommand({ KeyId: 'alias/tenant-a', Plaintext: Buffer.from('x') })),
      'UnrecognizedClientException');
    await refused(ecr(unknownKey).send(new GetAuthorizationTokenCommand({})), 'UnrecognizedClientException');
    await refused(s3(unknownKey).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'namespace.yaml' })),
      'InvalidAccessKeyId');
  });
  await check('token for the wrong audience, wrong subject, expired token', async () => {
    await refused(assumeWeb('tenant-a', 'system:serviceaccount:tenant-a:flux', 'not-sts'), 'InvalidIdentityTokenException',
      'Incorrect token audience');
    await refused(assumeWeb('tenant-a', 'system:serviceaccount:tenant-b:flux'), 'AccessDenied');
    await refused(assumeWeb('tenant-a', 'system:serviceaccount:tenant-a:flux', 'sts.amazonaws.com', -60),
      'ExpiredTokenException');
  });
  await check('principal outside a policy is denied by name', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:user/outsider`;
    await refused(kms(outsider).send(new DecryptCommand({ CiphertextBlob: Buffer.from('RlhLMQ', 'base64') })),
      ['AccessDeniedException', 'InvalidCiphertextException']);
    await refused(kms(outsider).send(new EncryptCommand({ KeyId: 'alias/tenant-a', Plaintext: Buffer.from('x') })),
      'AccessDeniedException', arn);
    await refused(ecr(outsider).send(new GetAuthorizationTokenCommand({})), 'AccessDeniedException', arn);
    await refused(s3(outsider).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'namespace.yaml' })),
      'AccessDenied', arn);
    await refused(s3(tenantA, 'eu-west-1').send(new GetObjectCommand({ Bucket: 'tenant-b-manifests', Key: 'namespace.yaml' })),
      'AccessDenied', 'assumed-role/tenant-a/sdk-check');
  });
  await check('expired session is refused by every service', async () => {
    let r = await admin('POST', '/_emulator/settings', JSON.stringify({ sts: { credentialLifetime: '2s' } }));
    assert.equal(r.status, 200);
    let out;
    try {
      out = await assumeWeb('tenant-a', 'system:serviceaccount:tenant-a:flux');
    } finally {
      r = await admin('POST', '/_emulator/settings', JSON.stringify({ sts: { credentialLifetime: '1h' } }));
    }
    assert.equal(r.status, 200);
    const lapsed = credsOf(out);
    await new Promise((res) => setTimeout(res, 3000));  // let the 2 s session lapse
    await refused(sts(lapsed).send(new GetCallerIdentityCommand({})), 'ExpiredToken');
    await refused(kms(lapsed).send(new EncryptCommand({ KeyId: 'alias/tenant-a', Plaintext: Buffer.from('x') })),
      'ExpiredTokenException');
    await refused(ecr(lapsed).send(new GetAuthorizationTokenCommand({})), 'ExpiredTokenException');
    await refused(s3(lapsed).send(new GetObjectCommand({ Bucket: 'tenant-a-manifests', Key: 'namespace.yaml' })),
      'ExpiredToken');
  });
  await check('call counters name the role asked for on unsigned STS calls', async () => {
    const calls = JSON.parse((await admin('GET', '/_emulator/calls')).body);
    const count = (status) => calls.filter((c) => c.service === 'sts' && c.operation === 'AssumeRoleWithWebIdentity' &&
                                                  c.principal === `arn:aws:iam::${ACCOUNT}:role/tenant-a` &&
                                                  c.status === status).reduce((n, c) => n + c.count, 0);
    // Exactly what this script asked for: 2 granted, wrong audience + expired token (400), wrong subject (403).
    assert.equal(count(200), 2);
    assert.equal(count(400), 2);
    assert.equal(count(403), 1);
  });

  for (const line of results) console.log(line);
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
