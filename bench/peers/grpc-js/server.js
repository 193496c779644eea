'use strict';
// What a Node team would write for the SandboxControl proto: @grpc/grpc-js with mutual TLS
// (checkClientCertificate), the caller's SPIFFE URI SAN read from the peer certificate via
// call.getAuthContext() and compared with sandbox_id. Constant policy, logs counted and dropped.
//   node server.js --port P --cert server.crt --key server.key --ca ca.crt --trust-domain D [--policy-bytes N]
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function arg(name, fallback) {
  const index = process.argv.indexOf('--' + name);
  if (index >= 0 && index + 1 < process.argv.length) return process.argv[index + 1];
  if (fallback === undefined) throw new Error('missing --' + name);
  return fallback;
}

const port = Number(arg('port'));
const trustDomain = arg('trust-domain', 'bench.test');
const policyBytes = Number(arg('policy-bytes', '512'));
const protosRoot = path.resolve(__dirname, '../../../protos');

const definition = protoLoader.loadSync('sandboxcontrol/v1/sandbox_control.proto', {
  includeDirs: [protosRoot],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
});
const service = grpc.loadPackageDefinition(definition).sandboxcontrol.v1.SandboxControl.service;

// Same generator as the .NET tools, so all targets answer with the same document size.
function policyDocument(bytes) {
  let text = '# bench policy\nnetwork:\n  egress:\n';
  for (let rule = 0; text.length < bytes; rule++) text += '    - host: allowed-' + rule + '.example.internal\n';
  return text.substring(0, Math.max(bytes, 1));
}
const document = policyDocument(policyBytes);
const createdAt = { seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 };
const sandboxPrefix = 'spiffe://' + trustDomain + '/sandbox/';

// The caller's sandbox id from the verified client certificate's single URI SAN, or null.
function callerSandbox(call) {
  const auth = call.getAuthContext();
  const certificate = auth && auth.sslPeerCertificate;
  if (!certificate || typeof certificate.subjectaltname !== 'string') return null;
  const uris = certificate.subjectaltname.split(', ').filter((name) => name.startsWith('URI:'));
  if (uris.length !== 1) return null;
  const uri = uris[0].substring(4);
  if (!uri.startsWith(sandboxPrefix)) return null;
  const id = uri.substring(sandboxPrefix.length);
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(id) ? id : null;
}

function denied(code, details) {
  return { code, details };
}

const handlers = {
  GetSandboxPolicy(call, callback) {
    const caller = callerSandbox(call);
    if (caller === null) return callback(denied(grpc.status.UNAUTHENTICATED, 'client certificate not accepted'));
    if (call.request.sandbox_id !== caller) return callback(denied(grpc.status.PERMISSION_DENIED, 'not your sandbox'));
    callback(null, { sandbox_id: caller, version: '1', document, created_at: createdAt, created_by: 'bench' });
  },
  PushSandboxLogs(call, callback) {
    const caller = callerSandbox(call);
    if (caller === null) return callback(denied(grpc.status.UNAUTHENTICATED, 'client certificate not accepted'));
    let accepted = 0;
    let failed = false;
    call.on('data', (message) => {
      if (failed) return;
      // Every message is checked, not only the first.
      if (message.sandbox_id !== caller) {
        failed = true;
        callback(denied(grpc.status.PERMISSION_DENIED, 'not your sandbox'));
        return;
      }
      accepted += message.lines.length;
    });
    call.on('end', () => {
      if (!failed) callback(null, { accepted_lines: String(accepted) });
    });
    call.on('error', () => {});
  },
};

const server = new grpc.Server();
server.addService(service, handlers);
const credentials = grpc.ServerCredentials.createSsl(
  fs.readFileSync(arg('ca')),
  [{ cert_chain: fs.readFileSync(arg('cert')), private_key: fs.readFileSync(arg('key')) }],
  true, // checkClientCertificate
);
server.bindAsync('127.0.0.1:' + port, credentials, (error, bound) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log('grpc-js peer listening on 127.0.0.1:' + bound);
});
