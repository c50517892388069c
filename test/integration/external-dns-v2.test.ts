import { externalDnsSuite } from '../support/external-dns-suite.js';

externalDnsSuite('2');
