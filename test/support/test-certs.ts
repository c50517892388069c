import forge from 'node-forge';

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA (PEM). */
export function makeCerts() {
  const ca = issue('Test CA', undefined, true);
  const server = issue('127.0.0.1', ca);
  const client = issue('gateway', ca);
  return { ca: ca.certPem, serverCert: server.certPem, serverKey: server.keyPem, clientCert: client.certPem, clientKey: client.keyPem, otherCa: issue('Other CA', undefined, true) };
}

type Issued = { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; certPem: string; keyPem: string };

function issue(cn: string, signer?: Issued, isCa = false): Issued {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = String(Math.floor(Math.random() * 1e9));
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer(signer ? signer.cert.subject.attributes : [{ name: 'commonName', value: cn }]);
  cert.setExtensions(
    isCa
      ? [
          { name: 'basicConstraints', cA: true },
          { name: 'keyUsage', keyCertSign: true },
        ]
      : [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  );
  cert.sign(signer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey, certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}
