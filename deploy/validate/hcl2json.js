// Parses Terraform files with HashiCorp's HCL2 parser (compiled to WebAssembly) and prints
// {"<file>": <the file as JSON>, ...}; a syntax error exits 1 with the parser's message.
const { parse } = require('@cdktf/hcl2json');
const fs = require('fs');

(async () => {
  const out = {};
  for (const file of process.argv.slice(2)) {
    try {
      out[file] = await parse(file, fs.readFileSync(file, 'utf8'));
    } catch (e) {
      console.error(`${file}: ${e.message || e}`);
      process.exit(1);
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
