"""A numpy bit generator, drawn from compiled code: the numbers its `Generator` would draw.

numba can take a `Generator` as an argument, but unboxing one costs about 7 µs a call, more than
most of the loops here. A stream is handed over instead as three addresses: its state and the
C functions that advance it (`next_double`, `next_uint64`), which every bit generator exposes
for this purpose (numpy's "extending via numba" pattern).
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from ikdsim.model.compiled.jit import compiled

Bits = tuple[int, int, int, int]
"""The addresses of a bit generator's state and of its next_double, next_uint64, next_uint32."""


def bits_of(bit_generator: np.random.BitGenerator) -> Bits:
    interface = bit_generator.ctypes
    double = ctypes.cast(interface.next_double, ctypes.c_void_p).value
    uint64 = ctypes.cast(interface.next_uint64, ctypes.c_void_p).value
    uint32 = ctypes.cast(interface.next_uint32, ctypes.c_void_p).value
    assert double is not None and uint64 is not None and uint32 is not None
    return int(interface.state_address), int(double), int(uint64), int(uint32)


def _caller(result: ir.Type, numba_result: types.Type) -> Any:
    """An intrinsic calling `result f(void *state)` at a function address with a state address."""

    def typer(typingctx: Any, function: types.Type, state: types.Type) -> Any:
        def codegen(context: Any, builder: ir.IRBuilder, signature: Any, args: Any) -> ir.Value:
            function_address, state_address = args
            void_p = ir.IntType(8).as_pointer()
            prototype = ir.FunctionType(result, [void_p])
            target = builder.inttoptr(function_address, prototype.as_pointer())
            return builder.call(target, [builder.inttoptr(state_address, void_p)])

        return numba_result(types.int64, types.int64), codegen

    return intrinsic(typer)


_call_double = _caller(ir.DoubleType(), types.float64)
_call_uint64 = _caller(ir.IntType(64), types.uint64)
_call_uint32 = _caller(ir.IntType(32), types.uint32)


@compiled
def next_double(bits: Bits) -> float:
    """A uniform double in [0, 1): numpy's `Generator.random()` for this state."""
    return _call_double(bits[1], bits[0])  # type: ignore[no-any-return]


@compiled
def next_uint64(bits: Bits) -> int:
    return _call_uint64(bits[2], bits[0])  # type: ignore[no-any-return]


@compiled
def next_uint32(bits: Bits) -> int:
    """numpy's 32-bit draw: half of a 64-bit one, the other half kept in the state for the next."""
    return _call_uint32(bits[3], bits[0])  # type: ignore[no-any-return]
