// Small functions in a hot loop: 3-vectors (structs in local variables)
// through tiny helpers, called several times per iteration. Twin of vec3.nf.
typedef struct { double x, y, z; } V;
static V pts[1024];

static void vset(V *o, double x, double y, double z) {
    o->x = x;
    o->y = y;
    o->z = z;
}

static double vdot(const V *a, const V *b) {
    return a->x * b->x + a->y * b->y + a->z * b->z;
}

static void vadd(V *o, const V *a, const V *b) {
    vset(o, a->x + b->x, a->y + b->y, a->z + b->z);
}

static void vscale(V *o, const V *a, double s) {
    vset(o, a->x * s, a->y * s, a->z * s);
}

static void vcross(V *o, const V *a, const V *b) {
    vset(o, a->y * b->z - a->z * b->y, a->z * b->x - a->x * b->z, a->x * b->y - a->y * b->x);
}

long long vec3(int n) {
    for (int i = 0; i < 1024; i++)
        vset(&pts[i], (double)(i % 7 - 3) * 0.25, (double)(i % 5 - 2) * 0.5, (double)(i % 3 - 1));
    V acc, c, t;
    vset(&acc, 0.0, 0.0, 0.0);
    double total = 0.0;
    for (int r = 0; r < n; r++) {
        for (int i = 0; i < 1023; i++) {
            vcross(&c, &pts[i], &pts[i + 1]);
            vscale(&t, &c, 0.5);
            vscale(&acc, &acc, 0.75);
            vadd(&acc, &acc, &t);
            total += vdot(&acc, &pts[i]);
        }
    }
    return (long long)(total * 1000.0);
}
