// Packs the stub "Red Hat YAML" extension (this folder) into a VSIX for code-server's
// --install-extension. Usage: node test/e2e/stub-yaml/pack.mjs <out.vsix>
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const zip = new yazl.ZipFile();
zip.addBuffer(
  Buffer.from(`<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011">
  <Metadata>
    <Identity Language="en-US" Id="${manifest.name}" Version="${manifest.version}" Publisher="${manifest.publisher}"/>
    <DisplayName>${manifest.displayName}</DisplayName>
    <Description xml:space="preserve">${manifest.description}</Description>
  </Metadata>
  <Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation>
  <Dependencies/>
  <Assets><Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true"/></Assets>
</PackageManifest>
`),
  'extension.vsixmanifest',
);
zip.addBuffer(
  Buffer.from(
    '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension=".json" ContentType="application/json"/><Default Extension=".js" ContentType="application/javascript"/>' +
      '<Default Extension=".vsixmanifest" ContentType="text/xml"/></Types>',
  ),
  '[Content_Types].xml',
);
for (const file of ['package.json', 'extension.js']) zip.addFile(path.join(here, file), `extension/${file}`);
zip.outputStream.pipe(fs.createWriteStream(process.argv[2])).on('close', () => console.log(`wrote ${process.argv[2]}`));
zip.end();
