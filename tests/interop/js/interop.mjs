// Signs and verifies credentials with the Digital Bazaar stack (the reference JavaScript
// implementation the Digital Credentials Consortium uses), so that Credstack's tests can check
// that what it issues verifies there and what that stack signs verifies in Credstack.
//
//   node interop.mjs verify < request.json   ->  {"verified": bool, "error": string|null, ...}
//   node interop.mjs sign   < request.json   ->  the signed credential
//   node interop.mjs contexts < {"urls": [...]} -> {url: the context vc.js bundles, or null}
//
// verify reads {"credential": {...}, "now"?: "<dateTime>"} (or a bare credential);
// sign reads {"credential": {...}, "suite": "eddsa-rdfc-2022" | "eddsa-jcs-2022" |
// "ecdsa-rdfc-2019", "key": <Multikey key pair JSON>, or "seed": "<64 hex digits>" (Ed25519),
// "created"?: "<dateTime>"}.
// A JSON array of such requests gives a JSON array of answers (one node start for many).
//
// Nothing is fetched: the document loader serves the JSON-LD contexts that the Python package
// bundles (src/credstack/jsonld/contexts, listed in its index.json) and did:key documents built
// offline with the Multikey libraries. Any other URL is an error.

import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {
  createSignCryptosuite as createEddsaJcs2022SignCryptosuite,
  createVerifyCryptosuite as createEddsaJcs2022VerifyCryptosuite
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTEXTS_DIR = process.env.CREDSTACK_CONTEXTS_DIR ||
  join(HERE, '..', '..', '..', 'src', 'credstack', 'jsonld', 'contexts');
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

// url -> JSON text of the context, from the Python package's index.json (url -> {file, ...}).
const CONTEXTS = new Map();
{
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  for(const [url, entry] of Object.entries(index)) {
    const file = typeof entry === 'string' ? entry : entry.file;
    CONTEXTS.set(url, readFileSync(join(CONTEXTS_DIR, file), 'utf8'));
  }
}

// The multicodec key type, from the multibase prefix did:key uses for it.
function multikeyLibrary(publicKeyMultibase) {
  if(typeof publicKeyMultibase !== 'string') {
    throw new TypeError('"publicKeyMultibase" must be a string.');
  }
  if(publicKeyMultibase.startsWith('z6Mk')) {
    return Ed25519Multikey;
  }
  // P-256 (zDn...) and P-384 (z82...) public keys.
  if(publicKeyMultibase.startsWith('zDn') || publicKeyMultibase.startsWith('z82')) {
    return EcdsaMultikey;
  }
  throw new Error(`Unsupported did:key key type: "${publicKeyMultibase}".`);
}

// The did:key DID document (did:key method, Multikey form), or one of its verification methods.
async function resolveDidKey(url) {
  const [did, fragment] = url.split('#', 2);
  const publicKeyMultibase = did.slice('did:key:'.length);
  const library = multikeyLibrary(publicKeyMultibase);
  const vmId = `${did}#${publicKeyMultibase}`;
  // Decoding through the library rejects a malformed key here rather than at verification.
  const keyPair = await library.from({
    '@context': MULTIKEY_V1, type: 'Multikey', id: vmId, controller: did,
    publicKeyMultibase
  });
  const method = await keyPair.export({publicKey: true, includeContext: true});
  if(fragment !== undefined) {
    if(fragment !== publicKeyMultibase) {
      throw new Error(`No verification method "${url}" in the did:key document.`);
    }
    return method;
  }
  const {'@context': _context, ...embedded} = method;
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [embedded],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId]
  };
}

async function documentLoader(url) {
  const context = CONTEXTS.get(url);
  if(context !== undefined) {
    return {contextUrl: null, documentUrl: url, document: JSON.parse(context)};
  }
  if(typeof url === 'string' && url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await resolveDidKey(url)};
  }
  throw new Error(`Document loader: "${url}" is not served offline (no network here).`);
}

function verifySuites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: createEddsaJcs2022VerifyCryptosuite()}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019})
  ];
}

function messages(error, seen = new Set()) {
  if(!error || seen.has(error)) {
    return [];
  }
  seen.add(error);
  const own = error.message ? [`${error.name || 'Error'}: ${error.message}`] : [String(error)];
  // VerificationError lists `errors`; jsonld's errors keep the loader's in `details.cause`.
  const nested = [
    ...(error.errors || []),
    ...[error.cause, error.details && error.details.cause].filter(Boolean)
  ];
  return [...own, ...nested.flatMap(e => messages(e, seen))];
}

async function verify(request) {
  const credential = request && 'credential' in request ? request.credential : request;
  const options = {credential, suite: verifySuites(), documentLoader};
  if(request && request.now) {
    options.now = request.now;
  }
  // No checkStatus: vc.js then checks no credentialStatus (and refuses one, which is reported).
  // The purpose is vc.js's default CredentialIssuancePurpose: an AssertionProofPurpose (the key
  // must be in the controller's assertionMethod) that also requires issuer == key controller.
  const result = await vc.verifyCredential(options);
  const errors = [
    ...messages(result.error),
    ...(result.results || []).flatMap(r => [
      ...messages(r.error), ...messages(r.purposeResult && r.purposeResult.error)
    ])
  ];
  const unique = [...new Set(errors)];
  return {
    verified: result.verified === true,
    error: result.verified === true ? null : (unique.join('; ') || 'not verified'),
    proofs: (result.results || []).map(r => ({
      verified: r.verified === true,
      cryptosuite: r.proof && r.proof.cryptosuite,
      verificationMethod: r.proof && r.proof.verificationMethod
    }))
  };
}

async function importKey({suite, key, seed}) {
  const ecdsa = suite === 'ecdsa-rdfc-2019';
  if(key) {
    const library = ecdsa ? EcdsaMultikey : Ed25519Multikey;
    return library.from(key);
  }
  if(seed) {
    if(ecdsa) {
      throw new Error('A seed makes Ed25519 keys only; give "key" for ecdsa-rdfc-2019.');
    }
    if(!/^[0-9a-fA-F]{64}$/.test(seed)) {
      throw new Error('"seed" must be 32 bytes as 64 hexadecimal digits.');
    }
    const keyPair = await Ed25519Multikey.generate({seed: Buffer.from(seed, 'hex')});
    const did = `did:key:${keyPair.publicKeyMultibase}`;
    keyPair.controller = did;
    keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
    return keyPair;
  }
  throw new Error('Give "key" (a Multikey key pair) or "seed".');
}

function signCryptosuite(suite) {
  switch(suite) {
    case 'eddsa-rdfc-2022':
      return eddsaRdfc2022;
    case 'eddsa-jcs-2022':
      return createEddsaJcs2022SignCryptosuite();
    case 'ecdsa-rdfc-2019':
      return ecdsaRdfc2019;
    default:
      throw new Error(`Unknown suite "${suite}".`);
  }
}

async function sign(request) {
  const {credential, suite: suiteName, created} = request;
  const cryptosuite = signCryptosuite(suiteName);
  const keyPair = await importKey(request);
  const signer = keyPair.signer();
  signer.id = keyPair.id;
  const options = {signer, cryptosuite};
  if(created) {
    options.date = created;
  }
  const suite = new DataIntegrityProof(options);
  return vc.issue({credential: structuredClone(credential), suite, documentLoader});
}

// The contexts vc.js itself bundles, for the URLs asked: {url: context or null}. The tests
// compare them with the Python package's copies, which `verify` serves in their place.
async function contexts({urls}) {
  const found = {};
  for(const url of urls) {
    try {
      ({document: found[url]} = await vc.defaultDocumentLoader(url));
    } catch {
      found[url] = null;
    }
  }
  return found;
}

const COMMANDS = {verify, sign, contexts};

async function main() {
  const command = COMMANDS[process.argv[2]];
  if(!command) {
    process.stderr.write('usage: node interop.mjs verify|sign|contexts < request.json\n');
    return 2;
  }
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  let answer;
  if(Array.isArray(request)) {
    answer = [];
    for(const item of request) {
      answer.push(await command(item));
    }
  } else {
    answer = await command(request);
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
  return 0;
}

main().then(code => {
  process.exitCode = code;
}, error => {
  process.stderr.write(`${messages(error).join('\n')}\n`);
  process.exitCode = 1;
});
