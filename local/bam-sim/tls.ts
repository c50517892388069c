import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/** PEM material for the Failover API's mutual TLS: a CA, one server certificate for 127.0.0.1, one client certificate. */
export interface FailoverTls {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const rsaKey = () => promisify(generateKeyPair)('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

function certificate(subject: string, publicPem: string, issuer: { name: string; keyPem: string }, ext: object[]): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer.name }]);
  cert.setExtensions(ext);
  cert.sign(forge.pki.privateKeyFromPem(issuer.keyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A fresh CA with a server and a client certificate. Keys come from Node's crypto (forge's are slow). */
export async function generateFailoverTls(caName = 'Simulated BAM cluster CA'): Promise<FailoverTls> {
  const [ca, server, client] = await Promise.all([rsaKey(), rsaKey(), rsaKey()]);
  const issuer = { name: caName, keyPem: ca.privateKey };
  return {
    ca: certificate(caName, ca.publicKey, issuer, [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ]),
    serverCert: certificate('127.0.0.1', server.publicKey, issuer, [
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ]),
    serverKey: server.privateKey,
    clientCert: certificate('failover-gateway', client.publicKey, issuer, [{ name: 'extKeyUsage', clientAuth: true }]),
    clientKey: client.privateKey,
  };
}

let shared: Promise<FailoverTls> | undefined;
/** One set per process: RSA key generation costs about a second, and test files start many clusters. */
export function sharedFailoverTls(): Promise<FailoverTls> {
  shared ??= generateFailoverTls();
  return shared;
}

/**
 * Makes `material` the set every later cluster of this module graph uses. The test suite generates
 * one set for the whole run and hands it to each test file, whose module graph would otherwise
 * generate its own (about 0.7 CPU-seconds each).
 */
export function shareFailoverTls(material: FailoverTls): void {
  shared = Promise.resolve(material);
}
