// validate.js FILE... - each file is a valid HAR 1.2 log (har-validator's
// JSON schema, har-schema); prints every error and exits 1 on any.
'use strict';
const fs = require('fs');
const validate = require('har-validator');
let bad = 0;
(async () => {
  for (const f of process.argv.slice(2)) {
    try {
      await validate.har(JSON.parse(fs.readFileSync(f, 'utf8')));
      console.log('ok   ' + f);
    } catch (e) {
      bad++;
      console.log('FAIL ' + f + ': ' + (e.errors ? JSON.stringify(e.errors) : e.message));
    }
  }
  process.exit(bad ? 1 : 0);
})();
