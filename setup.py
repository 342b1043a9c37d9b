"""Build glue: maps the top-level architecture folders into the single `l2spec.*` namespace and
builds the Rust core (impl/native) into `l2spec.impl._native` with setuptools-rust."""

from setuptools import find_packages, setup
from setuptools_rust import Binding, RustExtension

# Import name -> folder. The folders stay at the top of the repository so the layout shows the
# architecture (spec/, impl/, diff/, invariants/); the import namespace is still one: l2spec.*.
ROOTS = {
    "l2spec": "l2spec",
    "l2spec.spec": "spec",
    "l2spec.impl": "impl",
    "l2spec.diff": "diff",
    "l2spec.invariants": "invariants",
}

packages = []
for name, folder in ROOTS.items():
    packages.append(name)
    packages.extend(f"{name}.{sub}" for sub in find_packages(folder))

setup(
    packages=packages,
    package_dir=ROOTS,
    rust_extensions=[
        RustExtension(
            "l2spec.impl._native",
            path="impl/native/Cargo.toml",
            binding=Binding.PyO3,
            py_limited_api="auto",
            debug=False,
            features=["extension-module"],
        )
    ],
    zip_safe=False,
)
