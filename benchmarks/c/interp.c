/* A switch-dispatched bytecode interpreter: a small stack machine with locals, arithmetic, compares and
   jumps runs a program (nested loops: a sum of a hashed sequence plus a GCD reduction). */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, AND, MOD, LT, JZ, JMP, DUP, POP, SWAP, INC, HALT };

static int64_t run(const int32_t *code, int64_t *loc) {
    int64_t st[64]; int sp = 0; int pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case PUSH: st[sp++] = code[pc++]; break;
        case LOAD: st[sp++] = loc[code[pc++]]; break;
        case STORE: loc[code[pc++]] = st[--sp]; break;
        case ADD: sp--; st[sp - 1] += st[sp]; break;
        case SUB: sp--; st[sp - 1] -= st[sp]; break;
        case MUL: sp--; st[sp - 1] *= st[sp]; break;
        case XOR: sp--; st[sp - 1] ^= st[sp]; break;
        case SHR: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] >> (st[sp] & 63)); break;
        case AND: sp--; st[sp - 1] &= st[sp]; break;
        case MOD: sp--; st[sp - 1] = st[sp] ? st[sp - 1] % st[sp] : 0; break;
        case LT: sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
        case JZ: { int32_t t = code[pc++]; if (!st[--sp]) pc = t; break; }
        case JMP: pc = code[pc]; break;
        case DUP: st[sp] = st[sp - 1]; sp++; break;
        case POP: sp--; break;
        case SWAP: { int64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; break; }
        case INC: loc[code[pc]]++; pc++; break;
        case HALT: return loc[0];
        default: return -1;
        }
    }
}

int main(int argc, char **argv) {
    int64_t n = scaled(1000000, bench_scale(argc, argv));
    /* locals: 0 acc, 1 i, 2 n, 3 x, 4 a, 5 b */
    int32_t code[] = {
        /* 0 */ PUSH, 0, STORE, 1,
        /* 4: loop */ LOAD, 1, LOAD, 2, LT, JZ, 66,
        /* 11: x = (i * 2654435761) ^ (i >> 3) & 0xffff */
        LOAD, 1, PUSH, 40503, MUL, LOAD, 1, PUSH, 3, SHR, XOR, PUSH, 65535, AND, STORE, 3,
        /* 28: a = x + 1; b = i % 97 + 1 */
        LOAD, 3, PUSH, 1, ADD, STORE, 4, LOAD, 1, PUSH, 97, MOD, PUSH, 1, ADD, STORE, 5,
        /* 45: one GCD step twice: a = a % b (swap) */
        LOAD, 4, LOAD, 5, MOD, LOAD, 5, SWAP, POP, STORE, 4,
        /* 56: acc += a ^ x; i++ */
        LOAD, 0, LOAD, 4, ADD, STORE, 0, INC, 1, JMP, 4,
        /* 66 */ HALT,
    };
    /* sanity: the jump targets above are hand-counted */
    if (code[66] != HALT || code[4] != LOAD) { printf("bad program\n"); return 1; }
    int64_t loc[8] = {0};
    uint64_t check = 0;
    for (int r = 0; r < 6; r++) {
        loc[0] = r; loc[2] = n;
        check = mix64(check, (uint64_t)run(code, loc));
    }
    printf("interp %lld %016llx\n", (long long)n, (unsigned long long)check);
    return 0;
}
