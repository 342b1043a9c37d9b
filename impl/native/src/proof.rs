//! Proof parameters, the proof record and its canonical bytes (mirrors `spec/stark/params.py`,
//! `codec.py` and `proof.py`; contract §Parameters and §Proof bytes).
//!
//! Parameters: log2(B) u8 ‖ q u8 ‖ g u8 ‖ hash id u8 ‖ remainder_max u32 ‖ count u8 ‖ log2(f) u8….
//! Proof: "L2SK" ‖ version 1 ‖ AIR id (u32 len + UTF-8) ‖ params ‖ N u64 ‖ public inputs (u32
//! count, elements) ‖ trace root ‖ K u8 ‖ chunk root ‖ 2W + K OOD E values ‖ L u8 ‖ L roots ‖
//! remainder (u32 count, E values) ‖ nonce u64 ‖ q query blocks. Decoding is strict: every count is checked
//! against the header before anything is allocated, every element must be canonical, every byte
//! consumed; any deviation is a [`FormatError`].

use crate::ext3::Ext3;
use crate::fri::{fri_layout, FriLayerOpening, FriLayout};
use crate::goldilocks as gl;
use crate::hash::{Digest, Hasher};
use crate::transcript::Transcript;

/// `MAGIC`.
pub const MAGIC: &[u8; 4] = b"L2SK";
/// `VERSION`.
pub const VERSION: u8 = 1;
/// log2 of the field's largest 2-adic subgroup.
pub const TWO_ADICITY: u32 = 32;
/// The largest grinding the parameters allow.
pub const MAX_GRINDING_BITS: u8 = 32;
/// The verifier's default minimum conjectured security.
pub const MIN_SECURITY_BITS: u32 = 96;

/// A malformed proof (the spec's `ProofFormatError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn ferr<T>(msg: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError(msg.into()))
}

/// The parameters of a proof (`ProofParams`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofParams {
    pub log_blowup: u8,
    pub num_queries: u8,
    pub grinding_bits: u8,
    pub hasher: Hasher,
    pub remainder_max_size: u32,
    pub folding_log_arities: Vec<u8>,
}

impl ProofParams {
    /// The ranges `ProofParams.__post_init__` enforces; `Err(reason)` otherwise.
    pub fn check_ranges(&self) -> Result<(), String> {
        if u32::from(self.log_blowup) > TWO_ADICITY {
            return Err(format!(
                "log2(blowup) {} out of range [0, 32]",
                self.log_blowup
            ));
        }
        if self.grinding_bits > MAX_GRINDING_BITS {
            return Err(format!(
                "grinding bits {} out of range [0, 32]",
                self.grinding_bits
            ));
        }
        if self.remainder_max_size < 1 {
            return Err(format!(
                "remainder max size {} out of range",
                self.remainder_max_size
            ));
        }
        if self.folding_log_arities.is_empty() {
            return Err("between 1 and 255 folding arities are needed".into());
        }
        if self
            .folding_log_arities
            .iter()
            .any(|&f| u32::from(f) > TWO_ADICITY)
        {
            return Err("log2(folding arity) out of range [0, 32]".into());
        }
        Ok(())
    }
    /// B.
    pub fn blowup(&self) -> usize {
        1usize << self.log_blowup
    }
    /// f_ℓ for the listed layers.
    pub fn folding_arities(&self) -> Vec<usize> {
        self.folding_log_arities
            .iter()
            .map(|&f| 1usize << f)
            .collect()
    }
    /// The encoded bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        write_params(&mut w, self);
        w.buf
    }
}

/// `conjectured_security`: min(192, log2(B)·q (+ g if ≥ 80)) − 1, capped at 128.
pub fn conjectured_security(p: &ProofParams) -> u32 {
    let mut bits = u32::from(p.log_blowup) * u32::from(p.num_queries);
    if bits >= 80 {
        bits += u32::from(p.grinding_bits);
    }
    (bits.min(192).saturating_sub(1)).min(128)
}

/// `check_verifier_params`: why the verifier refuses `p` for maximum transition degree d.
pub fn check_verifier_params(
    p: &ProofParams,
    max_degree: usize,
    allow_insecure: bool,
) -> Option<String> {
    let b = p.blowup();
    if b < 2 {
        return Some(format!("blowup {b} is below 2"));
    }
    if b <= max_degree.saturating_sub(1) {
        return Some(format!(
            "blowup {b} must exceed d − 1 = {} (the AIR's maximum transition degree minus one)",
            max_degree - 1
        ));
    }
    if p.num_queries < 1 {
        return Some("at least one query is needed".into());
    }
    if p.folding_log_arities.iter().any(|&f| f < 1) {
        return Some("every folding arity must be at least 2".into());
    }
    if !allow_insecure {
        let bits = conjectured_security(p);
        if bits < MIN_SECURITY_BITS {
            return Some(format!(
                "conjectured security {bits} bits is below the minimum {MIN_SECURITY_BITS}"
            ));
        }
    }
    None
}

/// `proof_layout`: the FRI layout of a proof for N rows.
pub fn proof_layout(p: &ProofParams, trace_length: usize) -> Result<FriLayout, String> {
    fri_layout(
        trace_length * p.blowup(),
        p.blowup(),
        &p.folding_arities(),
        p.remainder_max_size as usize,
    )
}

/// `check_domain`: N = 2^n ≥ 8 and B·N ≤ 2^32.
pub fn check_domain(p: &ProofParams, trace_length: u64) -> Result<(), FormatError> {
    if trace_length == 0 || !trace_length.is_power_of_two() {
        return ferr(format!(
            "the trace length {trace_length} is not a power of two"
        ));
    }
    let log_n = trace_length.trailing_zeros();
    if log_n < 3 {
        return ferr(format!("the trace length {trace_length} is below 8"));
    }
    if log_n + u32::from(p.log_blowup) > TWO_ADICITY {
        return ferr("the LDE domain B·N exceeds 2^32, the field's 2-adic limit");
    }
    Ok(())
}

// --- writer / reader ---------------------------------------------------------------------------

/// Appends little-endian encodings.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn raw(&mut self, d: &[u8]) {
        self.buf.extend_from_slice(d);
    }
    pub fn felts(&mut self, vs: &[u64]) {
        for &v in vs {
            self.u64(v);
        }
    }
    pub fn exts(&mut self, vs: &[Ext3]) {
        for v in vs {
            self.felts(v);
        }
    }
    pub fn digests(&mut self, ds: &[Digest]) {
        for d in ds {
            self.raw(d);
        }
    }
    pub fn string(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.raw(s.as_bytes());
    }
}

fn write_params(w: &mut Writer, p: &ProofParams) {
    w.u8(p.log_blowup);
    w.u8(p.num_queries);
    w.u8(p.grinding_bits);
    w.u8(match p.hasher {
        Hasher::Blake3 => 0,
        Hasher::Poseidon => 1,
    });
    w.u32(p.remainder_max_size);
    w.u8(p.folding_log_arities.len() as u8);
    for &f in &p.folding_log_arities {
        w.u8(f);
    }
}

/// Reads front to back; never past the end; counts checked before allocating.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data, pos: 0 }
    }
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    pub fn raw(&mut self, size: usize, what: &str) -> Result<&'a [u8], FormatError> {
        if size > self.remaining() {
            return ferr(format!(
                "truncated: {what} needs {size} bytes at offset {}, {} left",
                self.pos,
                self.remaining()
            ));
        }
        let out = &self.data[self.pos..self.pos + size];
        self.pos += size;
        Ok(out)
    }
    pub fn u8(&mut self, what: &str) -> Result<u8, FormatError> {
        Ok(self.raw(1, what)?[0])
    }
    pub fn u32(&mut self, what: &str) -> Result<u32, FormatError> {
        let b = self.raw(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn u64(&mut self, what: &str) -> Result<u64, FormatError> {
        let b = self.raw(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn check_count(&self, count: usize, item: usize, what: &str) -> Result<(), FormatError> {
        match count.checked_mul(item) {
            Some(total) if total <= self.remaining() => Ok(()),
            _ => ferr(format!(
                "truncated: {count} × {what} ({item} bytes each) at offset {}, {} bytes left",
                self.pos,
                self.remaining()
            )),
        }
    }
    pub fn felt(&mut self, what: &str) -> Result<u64, FormatError> {
        let v = self.u64(what)?;
        if v >= gl::P {
            return ferr(format!("{what}: {v} is not a canonical field element"));
        }
        Ok(v)
    }
    pub fn felts(&mut self, count: usize, what: &str) -> Result<Vec<u64>, FormatError> {
        self.check_count(count, 8, what)?;
        (0..count).map(|_| self.felt(what)).collect()
    }
    pub fn ext(&mut self, what: &str) -> Result<Ext3, FormatError> {
        Ok([self.felt(what)?, self.felt(what)?, self.felt(what)?])
    }
    pub fn exts(&mut self, count: usize, what: &str) -> Result<Vec<Ext3>, FormatError> {
        self.check_count(count, 24, what)?;
        (0..count).map(|_| self.ext(what)).collect()
    }
    pub fn digest(&mut self, what: &str) -> Result<Digest, FormatError> {
        let mut d = [0u8; 32];
        d.copy_from_slice(self.raw(32, what)?);
        Ok(d)
    }
    pub fn digests(&mut self, count: usize, what: &str) -> Result<Vec<Digest>, FormatError> {
        self.check_count(count, 32, what)?;
        (0..count).map(|_| self.digest(what)).collect()
    }
    pub fn string(&mut self, what: &str) -> Result<String, FormatError> {
        let size = self.u32(&format!("{what} length"))? as usize;
        let data = self.raw(size, what)?;
        String::from_utf8(data.to_vec())
            .map_err(|_| FormatError(format!("{what} is not valid UTF-8")))
    }
    pub fn finish(&self) -> Result<(), FormatError> {
        if self.remaining() > 0 {
            return ferr(format!(
                "{} trailing bytes after offset {}",
                self.remaining(),
                self.pos
            ));
        }
        Ok(())
    }
}

/// `read_params`: encoded parameters from the reader.
pub fn read_params_from(r: &mut Reader<'_>) -> Result<ProofParams, FormatError> {
    let log_blowup = r.u8("log2(blowup)")?;
    let num_queries = r.u8("queries")?;
    let grinding_bits = r.u8("grinding bits")?;
    let hash_id = r.u8("hash id")?;
    let remainder_max_size = r.u32("remainder max size")?;
    let count = r.u8("folding arity count")?;
    let folding_log_arities = (0..count)
        .map(|_| r.u8("log2(folding arity)"))
        .collect::<Result<Vec<u8>, _>>()?;
    let Some(hasher) = Hasher::from_id(hash_id) else {
        return ferr(format!("unknown hash id {hash_id} (0 blake3, 1 poseidon)"));
    };
    let p = ProofParams {
        log_blowup,
        num_queries,
        grinding_bits,
        hasher,
        remainder_max_size,
        folding_log_arities,
    };
    p.check_ranges()
        .map_err(|e| FormatError(format!("parameters out of range: {e}")))?;
    Ok(p)
}

// --- the proof ---------------------------------------------------------------------------------

/// What the proof states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofHeader {
    pub air_id: String,
    pub params: ProofParams,
    pub trace_length: u64,
    pub public_inputs: Vec<u64>,
}

/// One query's openings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOpening {
    pub index: u64,
    pub trace_row: Vec<u64>,
    pub trace_path: Vec<Digest>,
    /// 3K base elements.
    pub chunk_row: Vec<u64>,
    pub chunk_path: Vec<Digest>,
    pub fri: Vec<FriLayerOpening>,
}

/// A STARK proof, field by field in byte order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub header: ProofHeader,
    pub trace_root: Digest,
    pub num_chunks: u8,
    pub chunk_root: Digest,
    pub ood_values: Vec<Ext3>,
    pub fri_roots: Vec<Digest>,
    pub remainder: Vec<Ext3>,
    pub nonce: u64,
    pub queries: Vec<QueryOpening>,
}

/// `absorb_header`: four absorbs (AIR id, params, N, public inputs).
pub fn absorb_header(t: &mut Transcript, h: &ProofHeader) {
    let mut w = Writer::default();
    w.string(&h.air_id);
    t.absorb(&w.buf);
    t.absorb(&h.params.encode());
    t.absorb(&h.trace_length.to_le_bytes());
    let mut w = Writer::default();
    w.u32(h.public_inputs.len() as u32);
    w.felts(&h.public_inputs);
    t.absorb(&w.buf);
}

/// `encode_proof`.
pub fn encode_proof(p: &Proof) -> Vec<u8> {
    let mut w = Writer::default();
    let h = &p.header;
    w.raw(MAGIC);
    w.u8(VERSION);
    w.string(&h.air_id);
    write_params(&mut w, &h.params);
    w.u64(h.trace_length);
    w.u32(h.public_inputs.len() as u32);
    w.felts(&h.public_inputs);
    w.raw(&p.trace_root);
    w.u8(p.num_chunks);
    w.raw(&p.chunk_root);
    w.exts(&p.ood_values);
    w.u8(p.fri_roots.len() as u8);
    w.digests(&p.fri_roots);
    w.u32(p.remainder.len() as u32);
    w.exts(&p.remainder);
    w.u64(p.nonce);
    for q in &p.queries {
        w.u64(q.index);
        w.felts(&q.trace_row);
        w.digests(&q.trace_path);
        w.felts(&q.chunk_row);
        w.digests(&q.chunk_path);
        for l in &q.fri {
            w.exts(&l.row);
            w.digests(&l.path);
        }
    }
    w.buf
}

fn read_header(r: &mut Reader<'_>) -> Result<ProofHeader, FormatError> {
    if r.raw(4, "magic")? != MAGIC {
        return ferr("not an l2spec STARK proof (magic is not L2SK)");
    }
    let version = r.u8("version")?;
    if version != VERSION {
        return ferr(format!(
            "unsupported proof version {version} (expected {VERSION})"
        ));
    }
    let air_id = r.string("AIR id")?;
    let params = read_params_from(r)?;
    let trace_length = r.u64("trace length")?;
    check_domain(&params, trace_length)?;
    let count = r.u32("public input count")? as usize;
    let public_inputs = r.felts(count, "public input")?;
    Ok(ProofHeader {
        air_id,
        params,
        trace_length,
        public_inputs,
    })
}

/// `decode_header`: the header only.
pub fn decode_header(data: &[u8]) -> Result<ProofHeader, FormatError> {
    read_header(&mut Reader::new(data))
}

/// `decode_proof` for an AIR of `width` columns; every byte must be consumed.
pub fn decode_proof(data: &[u8], width: usize) -> Result<Proof, FormatError> {
    let mut r = Reader::new(data);
    let header = read_header(&mut r)?;
    let n = header.trace_length as usize;
    let layout = proof_layout(&header.params, n)
        .map_err(|e| FormatError(format!("the parameters do not fit N = {n}: {e}")))?;
    let lde_size = n * header.params.blowup();
    let depth = lde_size.trailing_zeros() as usize;
    let trace_root = r.digest("trace root")?;
    let num_chunks = r.u8("chunk count")?;
    if num_chunks < 1 {
        return ferr("the chunk count must be at least 1");
    }
    let chunk_root = r.digest("chunk root")?;
    let ood_values = r.exts(2 * width + num_chunks as usize, "out-of-domain value")?;
    let num_layers = r.u8("FRI layer count")? as usize;
    if num_layers != layout.num_layers() {
        return ferr(format!(
            "{num_layers} FRI layers, the parameters give {}",
            layout.num_layers()
        ));
    }
    let fri_roots = r.digests(num_layers, "FRI root")?;
    let remainder_count = r.u32("remainder count")? as usize;
    if remainder_count != layout.remainder_length {
        return ferr(format!(
            "{remainder_count} remainder coefficients, expected {}",
            layout.remainder_length
        ));
    }
    let remainder = r.exts(remainder_count, "remainder coefficient")?;
    let nonce = r.u64("nonce")?;
    let mut queries = Vec::new();
    for _ in 0..header.params.num_queries {
        let index = r.u64("query index")?;
        if index >= lde_size as u64 {
            return ferr(format!("query index {index} out of range [0, {lde_size})"));
        }
        let trace_row = r.felts(width, "trace row")?;
        let trace_path = r.digests(depth, "trace opening")?;
        let chunk_row = r.felts(3 * num_chunks as usize, "chunk row")?;
        let chunk_path = r.digests(depth, "chunk opening")?;
        let mut fri = Vec::with_capacity(layout.num_layers());
        for layer in 0..layout.num_layers() {
            let row = r.exts(layout.arities[layer], "FRI row")?;
            let path = r.digests(
                layout.row_count(layer).trailing_zeros() as usize,
                "FRI opening",
            )?;
            fri.push(FriLayerOpening { row, path });
        }
        queries.push(QueryOpening {
            index,
            trace_row,
            trace_path,
            chunk_row,
            chunk_path,
            fri,
        });
    }
    r.finish()?;
    Ok(Proof {
        header,
        trace_root,
        num_chunks,
        chunk_root,
        ood_values,
        fri_roots,
        remainder,
        nonce,
        queries,
    })
}
