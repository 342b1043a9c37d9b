"""``l2spec vectors`` on the remaining Polygon families (:mod:`l2spec.vectorcheck.zk_more`).

Files are written into ``tmp_path`` in the exact upstream layout, from known answers:

- zkevm-commonjs ``test/helpers/test-vectors/block-info/block-info-tree.json`` (commit bb0e77e9),
  cases 0..3 (the numbers tests/test_zk_executor.py embeds);
- zkevm-commonjs ``test/helpers/test-vectors/l2-tx-hash/txs.json`` (commit bb0e77e9), cases 1, 3,
  4, 6, 7, 8, 9 and the refused cases 0, 10 and 11 (``"l2TxHash": "failed"``);
- zkevm-testvectors ``mt-bridge/claim-vectors.json``: the four leaves, root 0x42d3339f… and the
  proof of leaf 0 (polygon-zkevm.md §5; tests/test_zk_exit_roots.py);
- the shared ``processor_state-transition-etrog.json`` case 0 (zkevm-commonjs, commit bb0e77e9),
  in the ``processor/state-transition.json``, ``block-info/block-info.json`` and
  ``block-info/block-info-batches.json`` layouts.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from l2spec.cli import main
from l2spec.paths import vectors_dir
from l2spec.spec.common.keccak import keccak256

ETROG = vectors_dir() / "polygon" / "processor_state-transition-etrog.json"


def _etrog_case0() -> dict[str, Any]:
    with open(ETROG) as fh:  # a missing shared file is a loud failure, never a skip
        cases: list[dict[str, Any]] = json.load(fh)
    return copy.deepcopy(next(c for c in cases if c["id"] == 0))


def _run(tmp_path: Path, name: str, doc: Any, capsys: pytest.CaptureFixture[str]) -> Any:
    (tmp_path / name).write_text(json.dumps(doc))
    code = main(["vectors", "--dir", str(tmp_path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == (0 if report["ok"] else 1)
    (entry,) = report["files"]
    return entry


# --- block-info-tree ------------------------------------------------------------------------------

SEQUENCER = "0x617b3a3528F9cDd6630fd3301B9c8911F7Bf063D"
ZERO32 = "0x" + "00" * 32
GENESIS_ROOT = "0x4a9bfcb163ec91c5beb22e6aca41592433092c8c7821b01d37fd0de483f9265d"


def _word(n: int) -> str:
    return f"{n:064x}"


def _tree_case(old_root: str, number: int, txs: list[dict[str, Any]], root: str) -> dict[str, Any]:
    return {
        "oldStateRoot": old_root,
        "sequencerAddress": SEQUENCER,
        "newBlockNumber": number,
        "blockGasLimit": "0xffffffff",
        "finalTimestamp": 1944498031,
        "finalGER": ZERO32,
        "finalBlockHash": ZERO32,
        "txs": txs,
        "finalBlockInfoRoot": root,
    }


def _receipt(status: int, logs: list[Any], l2_hash: str, gas: int, pct: str) -> dict[str, Any]:
    return {
        "logs": logs,
        "status": status,
        "l2TxHash": l2_hash,
        "gasUsed": gas,
        "effectivePercentage": pct,
    }


TX_A = "0xac65e2fd657a4ee6318cc66cf98b05ae74ce3f0f3982370af951176e7b599c2c"
BLOCK_INFO_TREE = [
    _tree_case(
        "0x1fe466d9df83e1d2a4c32e21c6078b8f5f590e7db30b006965faa2f27a9b4fea",
        1,
        [
            _receipt(
                1,
                [
                    ["0x", [_word(1)], _word(0)],  # topics as plain text …
                    ["0x", [[_word(4)], [_word(5)], [_word(6)]], _word(0)],  # … or as 1-lists
                    ["0x", [[_word(1)], [_word(2)]], _word(0)],
                ],
                "0xd2a69c7d3c99953bae9d273f2375b2653bd4ec47a05eefc5fc7c041d07fba8a0",
                26336,
                "0xff",
            )
        ],
        "0xc613144bc2893293e4ec4db6a225ccaf58ab9ebe820035e74f44013f85db1067",
    ),
    _tree_case(
        GENESIS_ROOT,
        1,
        [_receipt(0, [], TX_A, 21000, "0x00")],
        "0x01f06eb68cadab49affb988b9f03dcb1789f852e1046c6f74c3b0d758af1cc8b",
    ),
    _tree_case(
        GENESIS_ROOT,
        1,
        [_receipt(1, [], TX_A, 21000, "0xff")],
        "0x34805cbe4a3afd8f8d2d091f284a2bb52a60827af14cce94063bc54728466703",
    ),
    _tree_case(
        GENESIS_ROOT,
        5,
        [
            _receipt(
                1,
                [],
                "0x8f9b0375a6b0f1bd9d54ff499921766828ae8e5314fc44a494736b5c4cc3bb56",
                10000,
                "0xff",
            )
        ],
        "0x774e651f18ea6fb4ecfb698ec769bc519b59474474dae344c360301792d0a9f1",
    ),
]


def test_block_info_tree_vectors_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = _run(tmp_path, "block-info_block-info-tree.json", BLOCK_INFO_TREE, capsys)
    assert entry["ok"], entry
    assert entry["passed"] == 4


@pytest.mark.parametrize("field,value", [("status", 0), ("gasUsed", 26337)])
def test_block_info_tree_tampered_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any
) -> None:
    doc = copy.deepcopy(BLOCK_INFO_TREE)
    doc[0]["txs"][0][field] = value
    entry = _run(tmp_path, "block-info_block-info-tree.json", doc, capsys)
    assert not entry["ok"]
    assert [c["ok"] for c in entry["cases"]] == [False, True, True, True]
    assert "block info root" in entry["cases"][0]["detail"]


def test_block_info_tree_log_order_matters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = copy.deepcopy(BLOCK_INFO_TREE)
    logs = doc[0]["txs"][0]["logs"]
    logs[0], logs[2] = logs[2], logs[0]
    entry = _run(tmp_path, "block-info_block-info-tree.json", doc, capsys)
    assert not entry["cases"][0]["ok"]


# --- l2-tx-hash -----------------------------------------------------------------------------------

FROM = "0x4d5Cf5032B2a844602278b01199ED191A86c93ff"
CALL = "0x56d5be740000000000000000000000001275fbb540c8efc58b812ba83b0d0b8b9917ae98"
DEPLOY = (
    "0x5b8e9959000000000000000000000000000000000000000000000000000000000000004000000000000000000000"
    "000000000000000000000000000000000000000000da000000000000000000000000000000000000000000000000"
    "00000000000000da608060405234801561001057600080fd5b5060bb8061001f6000396000f3fe60806040523480"
    "15600f57600080fd5b506004361060285760003560e01c8063f6d97e8c14602d575b600080fd5b60336047565b"
    "604051603e91906062565b60405180910390f35b600080600390508091505090565b605c81607b565b8252505056"
    "5b6000602082019050607560008301846055565b92915050565b600081905091905056fea26469706673582212"
    "20a33fdecaf587db45fa0e1fe4bfca25de09e35bb9a45fa6dab1bf1964244a929164736f6c634300080700330000"
    "00000000"
)


def _tx(nonce: str, to: str, value: str, data: str, l2_hash: str, **extra: str) -> dict[str, str]:
    return {
        "nonce": nonce,
        "gasPrice": "0x3b9aca00",
        "gasLimit": extra.pop("gasLimit", "0x186a0"),
        "to": to,
        "value": value,
        **({"chainID": extra.pop("chainID")} if "chainID" in extra else {}),
        "data": data,
        "from": FROM,
        "l2TxHash": l2_hash,
        **extra,
    }


L2_TX_HASHES = [
    # case 0: an empty nonce (and bad data) — refused on the nonce, the first field formatted
    _tx("", "0x1275fbb540c8efc58b812ba83b0d0b8b9917ae98", "0x100", "0xs" + DEPLOY[2:], "failed", chainID="0x6a4",
        gasLimit="186a0", reason="Invalid nonce value"),
    # case 1: odd-length data gets a leading 0; a 20-byte "to" with leading zero byte
    _tx("0x00", "0x005Cf5032B2a844602278b01199ED191A86c93ff", "0x00", CALL + "0",
        "0x356682567c5d485bbabe89590d3d72b08671a0a07899dcbaddccbe0599491669"),
    _tx("0x00", "0x005Cf5032B2a844602278b01199ED191A86c93ff", "0x00", CALL,
        "0x42e14eabd58bb4f26e928cada9a74081343e9ca0aad0d4f3f4e6254cb3a805ca", chainID="0x6a4",
        encoded="010000000000000000000000000000000000000000000000000000000000000000000000003b9aca"
        "0000000000000186a000005Cf5032B2a844602278b01199ED191A86c93ff0000000000000000000000000000"
        "00000000000000000000000000000000000000002456d5be740000000000000000000000001275fbb540c8ef"
        "c58b812ba83b0d0b8b9917ae9800000000000006a44d5Cf5032B2a844602278b01199ED191A86c93ff"),
    _tx("0x00", "", "0x00", CALL,
        "0x8f9cfb43c0f6bc7ce9f9e43e8761776a2ef9657ccf87318e2487c313d119b8cf", chainID="0x6a4"),
    _tx("0x00", "", "0x00", CALL,
        "0xe93d9aadf9ec7453204b7f26380472820729cb401e371b473132cc3ea27d2eef", chainID="0x1000"),
    _tx("0x00", "", "0x00", "",
        "0x72ee790a30ec6b29028770a9b04fbd1b5a38812834e3e3656eb60cf845fc2a56"),
    _tx("0x00", "", "0x00", "0x",
        "0xe8cd2bb2321ae825c970cb1b8ffd3ba6fb28488ca2a8003f9622d07d0cb2b63c", chainID="0x6a4"),
    _tx("0x1", "0x1275fbb540c8efc58b812ba83b0d0b8b9917ae98", "0x100", DEPLOY,
        "0xc1cbdba9410c0d699e2a7bc392065fef16d0dd145cdfcbd6b5ea30a717916ebc"),
    # case 10: a gas limit that is not hex
    _tx("0x1", "0x1275fbb540c8efc58b812ba83b0d0b8b9917ae98", "0x100", DEPLOY, "failed",
        gasLimit="v186a0", reason="Invalid gasLimit value"),
    # case 11: bare hex is accepted for the gas limit; the data is not hex
    _tx("0x21", "0x1275fbb540c8efc58b812ba83b0d0b8b9917ae98", "0x100", "0xs" + DEPLOY[2:],
        "failed", gasLimit="186a0", reason="Invalid data value"),
]  # fmt: skip


def test_l2_tx_hash_vectors_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = _run(tmp_path, "l2-tx-hash_txs.json", L2_TX_HASHES, capsys)
    assert entry["ok"], entry
    assert entry["passed"] == len(L2_TX_HASHES)


@pytest.mark.parametrize(
    "index,field,value,expect",
    [
        (2, "l2TxHash", "0x" + "11" * 32, "l2TxHash is"),
        (2, "encoded", "00" * 10, "hashed bytes"),
        (3, "chainID", "0x6a5", "l2TxHash is"),
        (8, "reason", "Invalid nonce value", "expected 'Invalid nonce value'"),
        (0, "nonce", "0x00", "refused with"),  # now refused on the data, not the nonce
        (7, "l2TxHash", "failed", "expected a refusal"),
    ],
)
def test_l2_tx_hash_tampered_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    index: int,
    field: str,
    value: str,
    expect: str,
) -> None:
    doc = copy.deepcopy(L2_TX_HASHES)
    doc[index][field] = value
    entry = _run(tmp_path, "l2-tx-hash_txs.json", doc, capsys)
    assert not entry["ok"]
    failed = [i for i, c in enumerate(entry["cases"]) if not c["ok"]]
    assert failed == [index]
    assert expect in entry["cases"][index]["detail"]


# --- mt-bridge claim vectors ----------------------------------------------------------------------

DAI = "0x6B175474E89094C44Da98b954EedeAC495271d0F"
DEST = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
ZERO_ADDR = "0x" + "00" * 20
LEAFS = [
    (0, DAI, "0x8ac7230489e80000", 1, DEST, "0x",
     "0xa4bfa0908dc7b06d98da4309f859023d6947561bc19bc00d77f763dea1a0b9f5"),
    (1, DAI, "0x8ac7230489e80000", 0, DEST, "0x12345670",
     "0x315fee1aa202bf4a6bd0fde560c89be90b6e6e2aaf92dc5e8d118209abc3410f"),
    (0, ZERO_ADDR, "0x8ac7230489e80000", 1, DEST, "0x12345678",
     "0xb598ce65aa15c08dda126a2985ba54f0559eaac562bb43ba430c7344261fbc5d"),
    (10, ZERO_ADDR, "0x01", 4, ZERO_ADDR,
     "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb922661234e51aad88F6F4ce6aB8827279cffFb92266",
     "0xe6585bdf74b6a46b9ede8b1b877e1232fb79ee93106c4db8ffd49cf1685bf242"),
]  # fmt: skip


def _zero_hashes() -> list[str]:
    """z_0 = 0, z_{h+1} = keccak(z_h ‖ z_h) (the deposit contract's empty subtrees)."""
    z, out = b"\x00" * 32, []
    for _ in range(32):
        out.append("0x" + z.hex())
        z = bytes(keccak256(z + z))
    return out


def _claim_doc() -> list[dict[str, Any]]:
    zeros = _zero_hashes()
    assert zeros[31] == "0x8448818bb4ae4562849e949e17ac16e0be16688e156b5cf15e098c627c0056a9"
    leafs = [
        {
            "leafType": 0,
            "originNetwork": origin,
            "tokenAddress": token,
            "amount": amount,
            "destinationNetwork": dest_net,
            "destinationAddress": dest,
            "metadata": metadata,
            "leafValue": value,
        }
        for origin, token, amount, dest_net, dest, metadata, value in LEAFS
    ]
    proof0 = [LEAFS[1][6], "0xb48c8301099f75206bc93b1512c7b3855b60b4f8cbaedf8679a184d1d450a4f1"]
    return [
        {
            "leafs": leafs,
            "index": 0,
            "proof": proof0 + zeros[2:],
            "root": "0x42d3339fe8eb57770953423f20a029e778a707e8d58aaf110b40d5eb4dd25721",
        }
    ]


def test_claim_vectors_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = _run(tmp_path, "mt-bridge_claim-vectors.json", _claim_doc(), capsys)
    assert entry["ok"], entry


def test_claim_vector_with_a_wrong_sibling_or_index_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _claim_doc()
    doc.append(copy.deepcopy(doc[0]))
    doc.append(copy.deepcopy(doc[0]))
    doc[1]["proof"][5] = "0x" + "ab" * 32
    doc[2]["index"] = 1  # the proof of leaf 0 is not the proof of leaf 1
    entry = _run(tmp_path, "mt-bridge_claim-vectors.json", doc, capsys)
    assert [c["ok"] for c in entry["cases"]] == [True, False, False]
    assert "sibling 5" in entry["cases"][1]["detail"]
    assert "sibling 0" in entry["cases"][2]["detail"]


# --- processor layouts ----------------------------------------------------------------------------


def test_processor_case_passes_and_pre_etrog_case_fails_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    etrog = _etrog_case0()
    old = copy.deepcopy(etrog)
    old["forkID"] = 6
    old["globalExitRoot"] = old.pop("l1InfoRoot")
    old["timestamp"] = old.pop("timestampLimit")
    entry = _run(tmp_path, "processor_state-transition.json", [etrog, old], capsys)
    assert [c["ok"] for c in entry["cases"]] == [True, False]
    detail = entry["cases"][1]["detail"]
    assert "forkID 6 is pre-Etrog" in detail and "not checked" in detail


def test_processor_case_without_fork_id_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _etrog_case0()
    del case["forkID"]
    entry = _run(tmp_path, "processor_state-transition.json", [case], capsys)
    assert not entry["ok"]
    assert "pre-Etrog" in entry["cases"][0]["detail"]


def test_block_info_processor_layout_tampered_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = _etrog_case0(), _etrog_case0()
    bad["expectedNewRoot"] = GENESIS_ROOT
    entry = _run(tmp_path, "block-info_block-info.json", [good, bad], capsys)
    assert [c["ok"] for c in entry["cases"]] == [True, False]
    assert "expectedNewRoot" in entry["cases"][1]["detail"]


def _batches_case(**flags: bool) -> dict[str, Any]:
    c = _etrog_case0()
    batch = {
        key: c.pop(key)
        for key in (
            "txs",
            "expectedNewRoot",
            "expectedNewLeafs",
            "l1InfoRoot",
            "newLocalExitRoot",
            "batchHashData",
            "timestampLimit",
            "batchL2Data",
        )
    }
    batch.update(flags)
    c.pop("expectedNewAccInputHash")
    c["batches"] = [batch]
    return c


def test_block_info_batches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = _batches_case(skipFirstChangeL2Block=False, skipWriteBlockInfoRoot=False)
    skipping = _batches_case(skipWriteBlockInfoRoot=True)
    wrong = _batches_case()
    wrong["batches"][0]["batchHashData"] = ZERO32
    entry = _run(tmp_path, "block-info_block-info-batches.json", [plain, skipping, wrong], capsys)
    assert [c["ok"] for c in entry["cases"]] == [True, False, False]
    assert "skipWriteBlockInfoRoot" in entry["cases"][1]["detail"]
    assert "not checked" in entry["cases"][1]["detail"]
    assert "batch 0 batchHashData" in entry["cases"][2]["detail"]


# --- malformed files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,doc",
    [
        ("block-info_block-info-tree.json", [{"oldStateRoot": "0x12"}]),
        ("block-info_block-info-tree.json", {"not": "a list"}),
        ("l2-tx-hash_txs.json", [{"nonce": 1}]),
        ("mt-bridge_claim-vectors.json", [{"leafs": [{"leafType": "x"}]}]),
        ("processor_state-transition.json", [None, 7]),
        ("block-info_block-info-batches.json", [{"forkID": 12, "batches": 3}]),
        ("block-info_block-info-input.json", "nonsense"),
    ],
)
def test_malformed_files_fail_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, doc: Any
) -> None:
    (tmp_path / name).write_text(json.dumps(doc))
    assert main(["vectors", "--dir", str(tmp_path), "--json"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    (entry,) = json.loads(captured.out)["files"]
    assert not entry["ok"]
    assert entry["kind"] == name.removesuffix(".json")


def test_pre_etrog_executor_input_fails_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {"forkID": 1, "oldStateRoot": ZERO32, "batchL2Data": "0x"}
    entry = _run(tmp_path, "block-info_block-info-input.json", doc, capsys)
    assert not entry["ok"]
    assert "forkID 1 is pre-Etrog" in entry["cases"][0]["detail"]
