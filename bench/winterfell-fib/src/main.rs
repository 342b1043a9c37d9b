//! Benchmark-only harness: winterfell's `fib-small` statement over Goldilocks with BLAKE3-256,
//! proved and verified at parameters given on the command line, so that `bench/stark.py` can set
//! them equal to the l2spec STARK's (contract: "S-100" = blowup 8, 28 queries, 16 grinding bits,
//! fold 8, remainder max 256, cubic extension x^3 - x - 1).
//!
//! The AIR (written here against winterfell 0.13's public `Air`/`Prover` traits, the same shape
//! as `spec/stark/airs/fib.py`): two columns s0, s1; transitions s0' = s0 + s1 and
//! s1' = s1 + s0' (degree 1 each); assertions s0[0] = 1, s1[0] = 1, s1[N-1] = result (the one
//! public input). Row i holds (F(2i+1), F(2i+2)).
//!
//! Output: one JSON line on stdout with the medians of `--repeat` runs and every sample.
//!
//! Options (all `--name value`):
//!   --log-rows n      trace length N = 2^n rows (default 10)
//!   --blowup B        LDE blowup (default 8)
//!   --queries q       FRI queries (default 28)
//!   --grinding g      proof-of-work bits (default 16)
//!   --extension e     field extension degree 1, 2 or 3 (default 3: x^3 - x - 1, as l2spec)
//!   --folding f       FRI folding factor 2, 4, 8 or 16 (default 8)
//!   --remainder m     FRI stops when a layer has at most m values (default 256), i.e.
//!                     winterfell's remainder max degree m / B - 1
//!   --repeat r        timed prove+verify runs (default 3)

use std::time::Instant;

use winterfell::crypto::{hashers::Blake3_256, DefaultRandomCoin, MerkleTree};
use winterfell::math::{fields::f64::BaseElement, FieldElement, ToElements};
use winterfell::matrix::ColMatrix;
use winterfell::{
    AcceptableOptions, Air, AirContext, Assertion, AuxRandElements, BatchingMethod,
    CompositionPoly, CompositionPolyTrace, ConstraintCompositionCoefficients,
    DefaultConstraintCommitment, DefaultConstraintEvaluator, DefaultTraceLde, EvaluationFrame,
    FieldExtension, PartitionOptions, Proof, ProofOptions, Prover, StarkDomain, Trace, TraceInfo,
    TracePolyTable, TraceTable, TransitionConstraintDegree,
};

type Felt = BaseElement;
type Hash = Blake3_256<Felt>;
type Vc = MerkleTree<Hash>;
type Coin = DefaultRandomCoin<Hash>;

// ------------------------------------------------------------------------------------------------
// Public inputs and AIR
// ------------------------------------------------------------------------------------------------

/// The claimed last value of column s1.
#[derive(Clone, Copy)]
struct FibResult(Felt);

impl ToElements<Felt> for FibResult {
    fn to_elements(&self) -> Vec<Felt> {
        vec![self.0]
    }
}

struct FibSmallAir {
    context: AirContext<Felt>,
    result: Felt,
}

impl Air for FibSmallAir {
    type BaseField = Felt;
    type PublicInputs = FibResult;

    fn new(trace_info: TraceInfo, pub_inputs: FibResult, options: ProofOptions) -> Self {
        assert_eq!(trace_info.width(), 2, "fib-small has two columns");
        let degrees = vec![TransitionConstraintDegree::new(1), TransitionConstraintDegree::new(1)];
        FibSmallAir { context: AirContext::new(trace_info, degrees, 3, options), result: pub_inputs.0 }
    }

    fn context(&self) -> &AirContext<Felt> {
        &self.context
    }

    fn evaluate_transition<E: FieldElement<BaseField = Felt>>(
        &self,
        frame: &EvaluationFrame<E>,
        _periodic_values: &[E],
        result: &mut [E],
    ) {
        let (cur, nxt) = (frame.current(), frame.next());
        // s0' - (s0 + s1) and s1' - (s1 + s0')
        result[0] = nxt[0] - (cur[0] + cur[1]);
        result[1] = nxt[1] - (cur[1] + nxt[0]);
    }

    fn get_assertions(&self) -> Vec<Assertion<Felt>> {
        let last = self.trace_length() - 1;
        vec![
            Assertion::single(0, 0, Felt::ONE),
            Assertion::single(1, 0, Felt::ONE),
            Assertion::single(1, last, self.result),
        ]
    }
}

// ------------------------------------------------------------------------------------------------
// Trace and prover
// ------------------------------------------------------------------------------------------------

fn fib_trace(rows: usize) -> TraceTable<Felt> {
    let mut trace = TraceTable::new(2, rows);
    trace.fill(
        |state| {
            state[0] = Felt::ONE;
            state[1] = Felt::ONE;
        },
        |_, state| {
            state[0] += state[1];
            state[1] += state[0];
        },
    );
    trace
}

struct FibSmallProver {
    options: ProofOptions,
}

impl Prover for FibSmallProver {
    type BaseField = Felt;
    type Air = FibSmallAir;
    type Trace = TraceTable<Felt>;
    type HashFn = Hash;
    type VC = Vc;
    type RandomCoin = Coin;
    type TraceLde<E: FieldElement<BaseField = Felt>> = DefaultTraceLde<E, Hash, Vc>;
    type ConstraintEvaluator<'a, E: FieldElement<BaseField = Felt>> =
        DefaultConstraintEvaluator<'a, FibSmallAir, E>;
    type ConstraintCommitment<E: FieldElement<BaseField = Felt>> =
        DefaultConstraintCommitment<E, Hash, Vc>;

    fn get_pub_inputs(&self, trace: &Self::Trace) -> FibResult {
        FibResult(trace.get(1, trace.length() - 1))
    }

    fn options(&self) -> &ProofOptions {
        &self.options
    }

    fn new_trace_lde<E: FieldElement<BaseField = Felt>>(
        &self,
        trace_info: &TraceInfo,
        main_trace: &ColMatrix<Felt>,
        domain: &StarkDomain<Felt>,
        partition_option: PartitionOptions,
    ) -> (Self::TraceLde<E>, TracePolyTable<E>) {
        DefaultTraceLde::new(trace_info, main_trace, domain, partition_option)
    }

    fn new_evaluator<'a, E: FieldElement<BaseField = Felt>>(
        &self,
        air: &'a FibSmallAir,
        aux_rand_elements: Option<AuxRandElements<E>>,
        composition_coefficients: ConstraintCompositionCoefficients<E>,
    ) -> Self::ConstraintEvaluator<'a, E> {
        DefaultConstraintEvaluator::new(air, aux_rand_elements, composition_coefficients)
    }

    fn build_constraint_commitment<E: FieldElement<BaseField = Felt>>(
        &self,
        composition_poly_trace: CompositionPolyTrace<E>,
        num_constraint_composition_columns: usize,
        domain: &StarkDomain<Felt>,
        partition_options: PartitionOptions,
    ) -> (Self::ConstraintCommitment<E>, CompositionPoly<E>) {
        DefaultConstraintCommitment::new(
            composition_poly_trace,
            num_constraint_composition_columns,
            domain,
            partition_options,
        )
    }
}

// ------------------------------------------------------------------------------------------------
// Command line
// ------------------------------------------------------------------------------------------------

struct Args {
    log_rows: u32,
    blowup: usize,
    queries: usize,
    grinding: u32,
    extension: usize,
    folding: usize,
    remainder: usize,
    repeat: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        log_rows: 10,
        blowup: 8,
        queries: 28,
        grinding: 16,
        extension: 3,
        folding: 8,
        remainder: 256,
        repeat: 3,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.len() % 2 != 0 {
        return Err("options come in pairs: --name value".into());
    }
    for pair in argv.chunks(2) {
        let v: u64 = pair[1].parse().map_err(|_| format!("{}: not a number: {}", pair[0], pair[1]))?;
        match pair[0].as_str() {
            "--log-rows" => a.log_rows = v as u32,
            "--blowup" => a.blowup = v as usize,
            "--queries" => a.queries = v as usize,
            "--grinding" => a.grinding = v as u32,
            "--extension" => a.extension = v as usize,
            "--folding" => a.folding = v as usize,
            "--remainder" => a.remainder = v as usize,
            "--repeat" => a.repeat = v as usize,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !(3..=30).contains(&a.log_rows) {
        return Err("--log-rows must be in 3..=30".into());
    }
    if a.remainder < a.blowup || a.remainder % a.blowup != 0 {
        return Err("--remainder must be a multiple of --blowup".into());
    }
    if a.repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    Ok(a)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|x, y| x.partial_cmp(y).expect("finite timings"));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn json_list(xs: &[f64]) -> String {
    let items: Vec<String> = xs.iter().map(|x| format!("{x:.6}")).collect();
    format!("[{}]", items.join(", "))
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("winterfell-fib: {msg}");
            std::process::exit(2);
        }
    };
    let extension = match args.extension {
        1 => FieldExtension::None,
        2 => FieldExtension::Quadratic,
        3 => FieldExtension::Cubic,
        e => {
            eprintln!("winterfell-fib: --extension must be 1, 2 or 3, not {e}");
            std::process::exit(2);
        }
    };
    // l2spec's "remainder max size" counts values of the last layer; winterfell's remainder
    // max degree counts the coefficients of its polynomial (the layer size divided by B, minus 1).
    let remainder_max_degree = args.remainder / args.blowup - 1;
    let options = ProofOptions::new(
        args.queries,
        args.blowup,
        args.grinding,
        extension,
        args.folding,
        remainder_max_degree,
        BatchingMethod::Linear,
        BatchingMethod::Linear,
    );
    let rows = 1usize << args.log_rows;

    let t0 = Instant::now();
    let trace = fib_trace(rows);
    let trace_gen_s = t0.elapsed().as_secs_f64();
    let result = trace.get(1, rows - 1);

    let prover = FibSmallProver { options: options.clone() };
    let mut prove_samples = Vec::new();
    let mut verify_samples = Vec::new();
    let mut proof_bytes = 0usize;
    let mut security = 0u32;
    for _ in 0..args.repeat {
        let trace = trace.clone();
        let t = Instant::now();
        let proof: Proof = prover.prove(trace).expect("winterfell prove failed");
        prove_samples.push(t.elapsed().as_secs_f64());
        proof_bytes = proof.to_bytes().len();
        security = proof.conjectured_security::<Hash>().bits();

        let acceptable = AcceptableOptions::OptionSet(vec![options.clone()]);
        let t = Instant::now();
        winterfell::verify::<FibSmallAir, Hash, Coin, Vc>(proof, FibResult(result), &acceptable)
            .expect("winterfell verify failed");
        verify_samples.push(t.elapsed().as_secs_f64());
    }

    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "default".into());
    println!(
        "{{\"prover\": \"winterfell\", \"version\": \"0.13.1\", \"air\": \"fib-small\", \
         \"log_rows\": {}, \"rows\": {}, \"blowup\": {}, \"queries\": {}, \"grinding\": {}, \
         \"extension\": {}, \"folding\": {}, \"remainder_max_size\": {}, \
         \"remainder_max_degree\": {}, \"hash\": \"blake3_256\", \"rayon_threads\": \"{}\", \
         \"trace_gen_s\": {:.6}, \"prove_s\": {:.6}, \"verify_s\": {:.6}, \"proof_bytes\": {}, \
         \"conjectured_security_bits\": {}, \"prove_samples_s\": {}, \"verify_samples_s\": {}}}",
        args.log_rows,
        rows,
        args.blowup,
        args.queries,
        args.grinding,
        args.extension,
        args.folding,
        args.remainder,
        remainder_max_degree,
        threads,
        trace_gen_s,
        median(prove_samples.clone()),
        median(verify_samples.clone()),
        proof_bytes,
        security,
        json_list(&prove_samples),
        json_list(&verify_samples),
    );
}
