// Writes schemas/experiment.schema.json from the config table (npm run schema).
// test/core/config/jsonSchema.test.ts fails when the checked-in file is out of date.

import { writeFileSync } from 'node:fs';
import { experimentJsonSchema } from '../src/core/config/jsonSchema';

const file = new URL('../schemas/experiment.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
