// A bytecode interpreter: a switch on each instruction's opcode, registers
// in a local array. The program runs a linear congruential generator n
// times and mixes its bits into r1. Twin of interp.nf.
static const int code[] = {
    1, 1, 0, 0,            //  0: r1 = 0
    1, 2, 1, 0,            //  1: r2 = 1
    1, 3, 1103515245, 0,   //  2: r3 = 1103515245
    1, 4, 12345, 0,        //  3: r4 = 12345
    9, 0, 13, 0,           //  4: if r0 == 0 goto 13
    4, 2, 2, 3,            //  5: r2 = r2 * r3
    2, 2, 2, 4,            //  6: r2 = r2 + r4
    6, 5, 2, 16,           //  7: r5 = r2 >>u 16
    7, 5, 5, 1023,         //  8: r5 = r5 & 1023
    5, 1, 1, 5,            //  9: r1 = r1 ^ r5
    2, 1, 1, 2,            // 10: r1 = r1 + r2
    8, 0, 0, 0,            // 11: r0 = r0 - 1
    10, 4, 0, 0,           // 12: goto 4
    0, 1, 0, 0,            // 13: return r1
};

static long long run(const int *code, int n) {
    long long regs[8];
    for (int i = 0; i < 8; i++) regs[i] = 0;
    regs[0] = n;
    int pc = 0;
    for (;;) {
        const int *ins = &code[pc * 4];
        int a = ins[1], b = ins[2], c = ins[3];
        pc++;
        switch (ins[0]) {
        case 0: return regs[a];
        case 1: regs[a] = b; break;
        case 2: regs[a] = regs[b] + regs[c]; break;
        case 3: regs[a] = regs[b] - regs[c]; break;
        case 4: regs[a] = (long long)((unsigned long long)regs[b] * (unsigned long long)regs[c]); break;
        case 5: regs[a] = regs[b] ^ regs[c]; break;
        case 6: regs[a] = (long long)((unsigned long long)regs[b] >> c); break;
        case 7: regs[a] = regs[b] & c; break;
        case 8: regs[a] = regs[a] - 1; break;
        case 9: if (regs[a] == 0) pc = b; break;
        case 10: pc = a; break;
        default: return -1;
        }
    }
}

long long interp(int n) {
    return run(code, n);
}
