#!/usr/bin/env python3
"""Re-derive the reference verdicts of test/fixtures/safetensors-reference/corpus.json.

A dev-only tool, not part of the product or CI. It needs Python 3 and the reference
implementation (`pip install safetensors==0.8.0`; the Python package wraps the Rust crate).

For each case it builds the file exactly as test/core/safetensors/referenceCorpus.test.ts does,
asks the reference to deserialize it, and compares the outcome ("accept" or "reject") with the
recorded "reference" verdict. It prints one line per disagreement and exits 1 if there is any.

    python3 scripts/safetensors-reference.py            # check the recorded verdicts
    python3 scripts/safetensors-reference.py --write    # record the reference's verdicts instead

With --write, a case whose "ours" equals the old verdict and names no "choice" keeps agreeing
(its "ours" follows); a new disagreement is left for a person to resolve in the TypeScript
reader or to document as a choice, and the vitest corpus test will fail until then.
"""

import argparse
import json
import struct
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "safetensors-reference" / "corpus.json"


def build(case):
    if "fileHex" in case:
        return bytes.fromhex(case["fileHex"])
    header = case.get("header", "").encode("utf-8")
    if "dataHex" in case:
        data = bytes.fromhex(case["dataHex"])
    else:
        data = bytes(case.get("dataZeros", 0))
    return struct.pack("<Q", len(header)) + header + data


def verdict(deserialize, blob):
    try:
        deserialize(blob)
        return "accept", ""
    except Exception as e:  # the reference raises SafetensorError (and others for odd inputs)
        return "reject", f"{type(e).__name__}: {e}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the reference's verdicts in the corpus")
    args = parser.parse_args()

    try:
        import safetensors
        from safetensors import deserialize
    except ImportError:
        sys.exit("needs the reference implementation: pip install safetensors==0.8.0")

    doc = json.loads(CORPUS.read_text(encoding="utf-8"))
    disagreements = 0
    for case in doc["cases"]:
        got, why = verdict(deserialize, build(case))
        if got != case["reference"]:
            disagreements += 1
            print(f"{case['id']}: recorded {case['reference']}, reference {got} {why}".rstrip())
            if args.write:
                if case["ours"] == case["reference"] and "choice" not in case:
                    case["ours"] = got
                case["reference"] = got
    print(f"safetensors {safetensors.__version__}: {len(doc['cases'])} cases, {disagreements} disagreements")
    if args.write and disagreements:
        CORPUS.write_text(json.dumps(doc, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
        print("corpus rewritten: run `npx prettier --write` on it before committing")
    sys.exit(1 if disagreements and not args.write else 0)


if __name__ == "__main__":
    main()
