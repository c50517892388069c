import { workflowSuite } from '../support/workflow-suite.js';

workflowSuite('1');
