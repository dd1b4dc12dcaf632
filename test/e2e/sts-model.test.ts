import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, run, startServer, type Server } from './server.ts';

/**
 * Conformance to AWS's STS service model, as Debian's botocore ships it
 * (`botocore/data/sts/2011-06-15/service-2.json`), checked with boto3 against a real port, as
 * test/e2e/iam-model.test.ts does for IAM:
 *  - outputs: every action is called with its typical and its optional parameters; the raw XML is
 *    walked alongside the model's output shape (root and result wrapper, every element a model
 *    member, required members, ISO 8601 timestamps, integers) and boto3 must have parsed each element
 *    with the model's Python type;
 *  - errors: each code the scenario provokes is one the action declares (or a common error), with
 *    the model's HTTP status;
 *  - inputs: for every member of every action, a value breaking each of its traits (required,
 *    min/max length, pattern, numeric range, list size, and the members of list items) is refused
 *    with ValidationError worded as AWS words it;
 *  - presigned GetCallerIdentity URLs as boto3 generates them (Vault's IAM auth, EKS tokens with
 *    the signed `x-k8s-aws-id` header).
 */
const SCRIPT = String.raw`
import datetime, json, os, re, sys, time, urllib.request, urllib.error
import xml.etree.ElementTree as ET
import boto3, botocore.auth, botocore.awsrequest, botocore.credentials
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

URL = os.environ['ENDPOINT']
HOST = URL.split('//', 1)[1]
ACCOUNT = '123456789012'
NS = '{https://sts.amazonaws.com/doc/2011-06-15/}'
# Errors any STS action can answer ("Common Errors" and the authentication errors of the STS API
# Reference), with their statuses.
COMMON = {'ValidationError': 400, 'AccessDenied': 403, 'InvalidParameterValue': 400}
RUN = os.environ.get('RUN_ID', 'x')
ADMIN = dict(aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'],
             aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'])
CONFIG = Config(parameter_validation=False, retries={'total_max_attempts': 1})


def client(service, **kw):
    c = boto3.session.Session(region_name='us-east-1', **kw).client(
        service, endpoint_url=URL, config=CONFIG)
    c.meta.events.register(f'after-call.{service}', lambda http_response, **_: RAW.update(
        body=http_response.content))
    return c


RAW = {}
sts = client('sts', **ADMIN)
iam = client('iam', **ADMIN)
anonymous = boto3.session.Session(region_name='us-east-1').client(
    'sts', endpoint_url=URL, config=Config(signature_version=UNSIGNED, parameter_validation=False,
                                           retries={'total_max_attempts': 1}))
anonymous.meta.events.register('after-call.sts', lambda http_response, **_: RAW.update(
    body=http_response.content))
model = sts.meta.service_model
METHODS = {api: method for method, api in sts.meta.method_to_api_mapping.items()}
ISO = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$')


def tag(e):
    return e.tag.replace(NS, '')


def walk(elem, shape, parsed, path, problems):
    t = shape.type_name
    if t == 'structure':
        seen = set()
        for child in elem:
            name = tag(child)
            seen.add(name)
            member = next((m for n, m in shape.members.items()
                           if m.serialization.get('name', n) == name), None)
            if member is None:
                problems.append(f'{path}.{name}: element not in the model')
                continue
            sub = parsed.get(name) if isinstance(parsed, dict) else None
            if sub is None:
                problems.append(f'{path}.{name}: boto3 did not parse it')
                continue
            walk(child, member, sub, f'{path}.{name}', problems)
        for req in shape.required_members:
            if req not in seen:
                problems.append(f'{path}.{req}: required member missing')
    elif t == 'list':
        if not isinstance(parsed, list):
            problems.append(f'{path}: parsed as {type(parsed).__name__}, not a list')
            return
        for i, child in enumerate(elem):
            if tag(child) != 'member':
                problems.append(f'{path}[{i}]: element <{tag(child)}>, not <member>')
            elif i < len(parsed):
                walk(child, shape.member, parsed[i], f'{path}[{i}]', problems)
    else:
        text = elem.text or ''
        expect = {'string': str, 'integer': int, 'long': int, 'boolean': bool,
                  'timestamp': datetime.datetime, 'blob': bytes}[t]
        if not isinstance(parsed, expect):
            problems.append(f'{path}: parsed as {type(parsed).__name__}, not {expect.__name__}')
        if t == 'timestamp' and not ISO.match(text):
            problems.append(f'{path}: {text!r} is not ISO 8601')
        if t == 'integer' and not re.match(r'^-?\d+$', text):
            problems.append(f'{path}: {text!r} is not an integer')


def check_output(op, parsed):
    problems = []
    root = ET.fromstring(RAW['body'])
    if root.tag != f'{NS}{op}Response':
        problems.append(f'root element {root.tag}')
    out = model.operation_model(op).output_shape
    wrapper = out.serialization['resultWrapper']
    kids = [tag(c) for c in root]
    if kids != [wrapper, 'ResponseMetadata']:
        problems.append(f'children {kids}')
    if root.find(f'{NS}ResponseMetadata/{NS}RequestId') is None:
        problems.append('no ResponseMetadata/RequestId')
    result = root.find(f'{NS}{wrapper}')
    if result is not None:
        walk(result, out, parsed, op, problems)
    return problems


report = {'outputs': {}, 'errors': [], 'facts': {}}


def call(op, c=sts, **params):
    parsed = getattr(c, METHODS[op])(**params)
    report['outputs'].setdefault(op, []).extend(check_output(op, parsed))
    return parsed


def fails(op, code, c=sts, **params):
    try:
        getattr(c, METHODS[op])(**params)
        report['errors'].append(f'{op}: succeeded, expected {code}')
        return ''
    except ClientError as e:
        got = e.response['Error']['Code']
        status = e.response['ResponseMetadata']['HTTPStatusCode']
        message = e.response['Error'].get('Message', '')
    declared = {s.metadata['error']['code']: s.metadata['error']['httpStatusCode']
                for s in model.operation_model(op).error_shapes}
    if got != code:
        report['errors'].append(f'{op}: {got} ({message}), expected {code}')
    if got not in declared and got not in COMMON:
        report['errors'].append(f'{op}: {got} is not an error the model declares')
    if declared.get(got, COMMON.get(got)) != status:
        report['errors'].append(f'{op}: {got} with HTTP {status}, model says {declared.get(got, COMMON.get(got))}')
    return message


def doc(statements):
    return json.dumps({'Version': '2012-10-17', 'Statement': statements})


def mint(claims):
    """A token of the account's test issuer (docs/web-identity.md), SigV4-signed for 'sts'."""
    req = botocore.awsrequest.AWSRequest(
        method='POST', url=f'{URL}/oidc/{ACCOUNT}/token', data=json.dumps(claims).encode(),
        headers={'content-type': 'application/json'})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(
        ADMIN['aws_access_key_id'], ADMIN['aws_secret_access_key']), 'sts', 'us-east-1').add_auth(req)
    with urllib.request.urlopen(urllib.request.Request(
            req.url, data=req.body, headers=dict(req.headers), method='POST')) as res:
        return json.loads(res.read())['token']


def fetch(url, headers=None, method='GET'):
    try:
        with urllib.request.urlopen(urllib.request.Request(
                url, headers=headers or {}, method=method, data=b'' if method == 'POST' else None)) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


ALLOW = doc([{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}])


def scenario():
    role = f'sts-model-{RUN}'
    role_arn = f'arn:aws:iam::{ACCOUNT}:role/{role}'
    provider = f'{HOST}/oidc/{ACCOUNT}'
    try:
        iam.create_open_id_connect_provider(Url=f'https://{provider}', ClientIDList=['sts.amazonaws.com'])
    except iam.exceptions.EntityAlreadyExistsException:
        pass  # another run against the same server
    iam.create_role(RoleName=role, MaxSessionDuration=7200, AssumeRolePolicyDocument=doc([
        {'Effect': 'Allow', 'Principal': {'AWS': f'arn:aws:iam::{ACCOUNT}:user/admin'},
         'Action': ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']},
        {'Effect': 'Allow', 'Principal': {'Federated': f'arn:aws:iam::{ACCOUNT}:oidc-provider/{provider}'},
         'Action': ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']}]))
    iam.put_role_policy(RoleName=role, PolicyName='read', PolicyDocument=ALLOW)

    me = call('GetCallerIdentity')
    report['facts']['caller'] = me['Arn']
    call('AssumeRole', RoleArn=role_arn, RoleSessionName='plain')
    full = call('AssumeRole', RoleArn=role_arn, RoleSessionName='full', DurationSeconds=7200,
                Policy=ALLOW, PolicyArns=[{'arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'}],
                Tags=[{'Key': 'team', 'Value': 'core'}, {'Key': 'env', 'Value': ''}],
                TransitiveTagKeys=['team'], SourceIdentity=f'ci-{RUN}', ExternalId='ext-id')
    creds = full['Credentials']
    report['facts']['assumed'] = {
        'arn': full['AssumedRoleUser']['Arn'], 'packed': full.get('PackedPolicySize'),
        'source': full.get('SourceIdentity'),
        'lifetime': round((creds['Expiration'] - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 60)}
    session = client('sts', aws_access_key_id=creds['AccessKeyId'],
                     aws_secret_access_key=creds['SecretAccessKey'],
                     aws_session_token=creds['SessionToken'])
    report['facts']['session_caller'] = call('GetCallerIdentity', c=session)['Arn']
    report['facts']['session_key_account'] = call(
        'GetAccessKeyInfo', AccessKeyId=creds['AccessKeyId'])['Account']
    call('GetAccessKeyInfo', AccessKeyId=ADMIN['aws_access_key_id'])
    call('GetSessionToken')
    call('GetSessionToken', DurationSeconds=900)
    call('GetFederationToken', Name=f'fed-{RUN}'[:32])
    fed = call('GetFederationToken', Name='fed-full', DurationSeconds=900, Policy=ALLOW,
               PolicyArns=[{'arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'}],
               Tags=[{'Key': 'team', 'Value': 'core'}])
    report['facts']['federated'] = fed['FederatedUser']['Arn']

    token = mint({'claims': {'sub': f'ci-{RUN}'}})
    call('AssumeRoleWithWebIdentity', c=anonymous, RoleArn=role_arn, RoleSessionName='web',
         WebIdentityToken=token)
    tagged = mint({'claims': {'sub': f'ci-{RUN}', 'https://aws.amazon.com/tags': {
        'principal_tags': {'team': ['core']}, 'transitive_tag_keys': ['team']}}})
    web = call('AssumeRoleWithWebIdentity', c=anonymous, RoleArn=role_arn, RoleSessionName='web2',
               WebIdentityToken=tagged, DurationSeconds=900, Policy=ALLOW,
               PolicyArns=[{'arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'}])
    report['facts']['web'] = {k: web.get(k) for k in (
        'SubjectFromWebIdentityToken', 'Provider', 'Audience')}

    # Errors each action declares, and the common ones.
    fails('AssumeRole', 'MalformedPolicyDocument', RoleArn=role_arn, RoleSessionName='bad',
          Policy='{')
    fails('AssumeRole', 'PackedPolicyTooLarge', RoleArn=role_arn, RoleSessionName='big',
          Tags=[{'Key': f'{i}' + 'k' * 127, 'Value': 'v' * 256} for i in range(2)])
    report['facts']['denied'] = fails(
        'AssumeRole', 'AccessDenied', RoleArn=f'arn:aws:iam::{ACCOUNT}:role/ec2-ssm-instance-role',
        RoleSessionName='denied')
    fails('AssumeRole', 'ValidationError', RoleArn=role_arn, RoleSessionName='long',
          DurationSeconds=43200)
    fails('GetFederationToken', 'MalformedPolicyDocument', Name='fed', Policy='{')
    fails('GetFederationToken', 'PackedPolicyTooLarge', Name='fed',
          Tags=[{'Key': f'{i}' + 'k' * 127, 'Value': 'v' * 256} for i in range(2)])
    fails('GetSessionToken', 'AccessDenied', c=session)
    fails('DecodeAuthorizationMessage', 'InvalidAuthorizationMessageException', EncodedMessage='x')
    fails('AssumeRoleWithWebIdentity', 'InvalidIdentityToken', c=anonymous, RoleArn=role_arn,
          RoleSessionName='web', WebIdentityToken='not-a-jwt')
    fails('AssumeRoleWithWebIdentity', 'ExpiredTokenException', c=anonymous, RoleArn=role_arn,
          RoleSessionName='web', WebIdentityToken=mint({'claims': {'sub': 'x'}, 'bad': 'expired'}))
    fails('AssumeRoleWithWebIdentity', 'IDPRejectedClaim', c=anonymous, RoleArn=role_arn,
          RoleSessionName='web', WebIdentityToken=token, ProviderId='www.amazon.com')
    fails('AssumeRoleWithWebIdentity', 'MalformedPolicyDocument', c=anonymous, RoleArn=role_arn,
          RoleSessionName='web', WebIdentityToken=token, Policy='{')
    fails('AssumeRoleWithWebIdentity', 'AccessDenied', c=anonymous, RoleArn=role_arn + '-none',
          RoleSessionName='web', WebIdentityToken=token)

    # Presigned GetCallerIdentity URLs, the way boto3 generates them.
    url = sts.generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET')
    status, body = fetch(url)
    report['facts']['presigned_get'] = [status, re.findall('<Arn>(.*?)</Arn>', body)]
    # Without HttpMethod, botocore signs the request as the model's POST.
    status, body = fetch(sts.generate_presigned_url('get_caller_identity', ExpiresIn=60),
                         method='POST')
    report['facts']['presigned_post'] = [status, re.findall('<Arn>(.*?)</Arn>', body)]
    status, body = fetch(url.replace('GetCallerIdentity', 'GetSessionToken'))
    report['facts']['presigned_tampered'] = [status, re.findall('<Code>(.*?)</Code>', body)]
    # An EKS token: the cluster name rides in the signed x-k8s-aws-id header.
    eks = client('sts', **ADMIN)
    eks.meta.events.register('before-sign.sts.GetCallerIdentity',
                             lambda request, **_: request.headers.__setitem__('x-k8s-aws-id', 'ci'))
    url = eks.generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET')
    report['facts']['eks_signed_headers'] = re.findall('X-Amz-SignedHeaders=([^&]*)', url)
    report['facts']['eks'] = [fetch(url, {'x-k8s-aws-id': 'ci'})[0], fetch(url, {'x-k8s-aws-id': 'other'})[0]]
    url = session.generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET')
    status, body = fetch(url)
    report['facts']['presigned_session'] = [status, re.findall('<Arn>(.*?)</Arn>', body)]


# A value keeping each member valid, for the constraint cases.
VALID = {
    'RoleArn': f'arn:aws:iam::{ACCOUNT}:role/demo-readonly', 'RoleSessionName': 'model',
    'WebIdentityToken': 'a.b.c', 'EncodedMessage': 'x', 'AccessKeyId': 'AKIAIOSFODNN7EXAMPLE',
    'Name': 'fed', 'PolicyArns': [{'arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'}],
    'Tags': [{'Key': 'team', 'Value': 'core'}],
}
# A value breaking each pattern of the model while keeping its length within bounds.
BREAKS = {
    '[\\w+=,.@-]*': 'a/b', '[\\w+=,.@:\\/-]*': 'a b', '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+': 'a\u0100',
    '[\\w+=/:,.@-]*': 'arn:aws:iam::1:mfa/a b', '[\\d]*': '12345a', '[\\w]*': 'AKIA-AAAAAAAAAAAAAAA',
    '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+': 'a#b', '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*': 'a#b',
    '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+':
        f'arn:aws:iam::{ACCOUNT}:role/a\u0001b',
}


def lower(name):
    return name[0].lower() + name[1:]


def scalar_cases(shape, at):
    m = shape.metadata
    if shape.type_name == 'string':
        if 'max' in m:
            yield 'a' * (m['max'] + 1), f"at '{at}' failed to satisfy constraint: Member must have length less than or equal to {m['max']}"
        if m.get('min', 0) > 0:
            yield 'a' * (m['min'] - 1), f"at '{at}' failed to satisfy constraint: Member must have length greater than or equal to {m['min']}"
        if 'pattern' in m:
            yield BREAKS.get(m['pattern']), f"at '{at}' failed to satisfy constraint: Member must satisfy regular expression pattern: {m['pattern']}"
    if shape.type_name == 'integer':
        yield m['min'] - 1, f"at '{at}' failed to satisfy constraint: Member must have value greater than or equal to {m['min']}"
        yield m['max'] + 1, f"at '{at}' failed to satisfy constraint: Member must have value less than or equal to {m['max']}"


def member_cases(name, shape):
    at = lower(name)
    if shape.type_name != 'list':
        yield from scalar_cases(shape, at)
        return
    if 'max' in shape.metadata:
        item = VALID[name][0] if name in VALID else 'a'
        yield [item] * (shape.metadata['max'] + 1), f"at '{at}' failed to satisfy constraint: Member must have length less than or equal to {shape.metadata['max']}"
    if shape.member.type_name == 'structure':
        for field, fshape in shape.member.members.items():
            for bad, frag in scalar_cases(fshape, f'{at}.1.member.{lower(field)}'):
                yield [{**VALID[name][0], field: bad}], frag
    else:
        for bad, frag in scalar_cases(shape.member, f'{at}.1.member'):
            yield [bad], frag


def constraints():
    problems, count = [], 0
    for op in model.operation_names:
        # AssumeRoleWithSAML is not implemented (docs/sts-iam.md, Known differences).
        if op == 'AssumeRoleWithSAML':
            continue
        shape = model.operation_model(op).input_shape
        if shape is None:
            continue
        c = anonymous if op == 'AssumeRoleWithWebIdentity' else sts
        base = {n: VALID[n] for n in shape.required_members}
        for name, mshape in shape.members.items():
            cases = list(member_cases(name, mshape))
            if name in shape.required_members:
                cases.append((None, f"at '{lower(name)}' failed to satisfy constraint: Member must not be null"))
            for bad, frag in cases:
                if bad is None and 'not be null' not in frag:
                    problems.append(f'{op} {name}: no value breaks {frag}')
                    continue
                params = {k: v for k, v in base.items() if k != name}
                if bad is not None:
                    params[name] = bad
                count += 1
                try:
                    getattr(c, METHODS[op])(**params)
                    problems.append(f'{op} {name}: accepted, expected ...{frag}')
                except ClientError as e:
                    code = e.response['Error']['Code']
                    msg = e.response['Error'].get('Message', '')
                    if code != 'ValidationError' or frag not in msg:
                        problems.append(f'{op} {name}: {code} {msg[:300]!r}, expected ...{frag}')
    return problems, count


if sys.argv[1] == 'outputs':
    scenario()
else:
    report['constraints'], report['cases'] = constraints()
print(json.dumps(report))
`;

interface Report {
  outputs: Record<string, string[]>;
  errors: string[];
  facts: Record<string, unknown>;
  constraints?: string[];
  cases?: number;
}

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function conformance(mode: 'outputs' | 'constraints'): Promise<Report> {
  const r = await run('/usr/bin/python3', ['-c', SCRIPT, mode], {
    ...ADMIN_ENV,
    ENDPOINT: server.url,
    RUN_ID: Date.now().toString(36),
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

const ACCOUNT = '123456789012';

describe("STS against AWS's service model (boto3, botocore service-2.json)", () => {
  it("returns exactly the model's output shape for every action, and the declared errors", async () => {
    const report = await conformance('outputs');
    expect(Object.keys(report.outputs).sort()).toEqual([
      'AssumeRole',
      'AssumeRoleWithWebIdentity',
      'GetAccessKeyInfo',
      'GetCallerIdentity',
      'GetFederationToken',
      'GetSessionToken',
    ]);
    expect(Object.entries(report.outputs).filter(([, problems]) => problems.length > 0)).toEqual(
      [],
    );
    expect(report.errors).toEqual([]);
    const host = new URL(server.url).host;
    expect(report.facts).toMatchObject({
      caller: `arn:aws:iam::${ACCOUNT}:user/admin`,
      assumed: { packed: expect.any(Number), lifetime: 120 },
      session_key_account: ACCOUNT,
      federated: `arn:aws:sts::${ACCOUNT}:federated-user/fed-full`,
      web: {
        Provider: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}/oidc/${ACCOUNT}`,
        Audience: 'sts.amazonaws.com',
      },
      denied:
        `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: sts:AssumeRole ` +
        `on resource: arn:aws:iam::${ACCOUNT}:role/ec2-ssm-instance-role`,
      presigned_get: [200, [`arn:aws:iam::${ACCOUNT}:user/admin`]],
      presigned_post: [200, [`arn:aws:iam::${ACCOUNT}:user/admin`]],
      presigned_tampered: [403, ['SignatureDoesNotMatch']],
      eks_signed_headers: ['host%3Bx-k8s-aws-id'],
      eks: [200, 403],
    });
    const assumed = report.facts.assumed as { arn: string; source: string };
    expect(assumed.arn).toMatch(
      new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/sts-model-[a-z0-9]+/full$`),
    );
    expect(assumed.source).toMatch(/^ci-/);
    expect(report.facts.session_caller).toBe(assumed.arn);
    expect(report.facts.presigned_session).toEqual([200, [assumed.arn]]);
  });

  it("refuses input breaking any constraint of the model with AWS's ValidationError", async () => {
    const report = await conformance('constraints');
    expect(report.cases).toBeGreaterThan(80);
    expect(report.constraints).toEqual([]);
  });
});
