// The fitter that made the coefficients of include/symflow/ops/vmath.hpp: minimax (on the
// relative error) polynomial and rational fits by iterated weighted least squares (Loeb's
// linearisation for a denominator, Lawson's reweighting toward minimax), Householder QR
// in long double. Prints each coefficient and its float32 rounding (%a).
//   g++ -O2 scripts/vmath_fit.cpp -o fit
//   ./fit exp 6            e^r, r in [-ln2/2, ln2/2]       (vmath exp_reduce)
//   ./fit log 10           log1p(f), f in [sqrt(1/2)-1, sqrt(2)-1] (vmath log)
//   ./fit tanh 5 4 9.1     tanh(x)/x = P(x^2)/Q(x^2) on [0, 9.1] (explored, not used)
//   ./fit tanhpoly 6 0.8   tanh(x)/x = 1 + x^2 P(x^2) on [0, 0.8] (explored, not used)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>
using L = long double;
using std::vector;

/// Least squares: the a minimising ||A a - b|| (A is m x n, m >= n).
vector<L> lsq(vector<vector<L>> A, vector<L> b) {
    size_t m = A.size(), n = A[0].size();
    for (size_t k = 0; k < n; ++k) {
        L nrm = 0;
        for (size_t i = k; i < m; ++i) nrm += A[i][k] * A[i][k];
        nrm = sqrtl(nrm);
        if (A[k][k] > 0) nrm = -nrm;
        vector<L> v(m, 0);
        for (size_t i = k; i < m; ++i) v[i] = A[i][k];
        v[k] -= nrm;
        L vv = 0;
        for (size_t i = k; i < m; ++i) vv += v[i] * v[i];
        if (vv == 0) continue;
        for (size_t j = k; j < n; ++j) {
            L d = 0;
            for (size_t i = k; i < m; ++i) d += v[i] * A[i][j];
            d = 2 * d / vv;
            for (size_t i = k; i < m; ++i) A[i][j] -= d * v[i];
        }
        L d = 0;
        for (size_t i = k; i < m; ++i) d += v[i] * b[i];
        d = 2 * d / vv;
        for (size_t i = k; i < m; ++i) b[i] -= d * v[i];
    }
    vector<L> x(n);
    for (size_t k = n; k-- > 0;) {
        L s = b[k];
        for (size_t j = k + 1; j < n; ++j) s -= A[k][j] * x[j];
        x[k] = s / A[k][k];
    }
    return x;
}

/// A fit's coefficients: numerator p and denominator q (whose constant term is 1).
struct Fit {
    vector<L> p, q;
};
/// f(t) ~ (fixed(t) + sum_j p_j t^pe[j]) / (1 + sum_k q_k t^qe[k]) on [lo, hi], minimising
/// max |error| * wfun(t) over npts Chebyshev nodes in `iters` reweighting rounds.
Fit fit(std::function<L(L)> f, std::function<L(L)> fixed, std::function<L(L)> wfun, L lo, L hi, vector<int> pe,
        vector<int> qe, int npts, int iters) {
    vector<L> t(npts), w(npts, 1), qprev(npts, 1);
    for (int i = 0; i < npts; ++i) t[i] = lo + (hi - lo) * (1 - cosl(M_PIl * (i + 0.5L) / npts)) / 2;
    Fit F;
    for (int it = 0; it < iters; ++it) {
        vector<vector<L>> A(npts, vector<L>(pe.size() + qe.size()));
        vector<L> b(npts);
        for (int i = 0; i < npts; ++i) {
            L sc = sqrtl(w[i]) * wfun(t[i]) / qprev[i];
            for (size_t j = 0; j < pe.size(); ++j) A[i][j] = powl(t[i], pe[j]) * sc;
            for (size_t k = 0; k < qe.size(); ++k) A[i][pe.size() + k] = -f(t[i]) * powl(t[i], qe[k]) * sc;
            b[i] = (f(t[i]) - fixed(t[i])) * sc;
        }
        auto x = lsq(A, b);
        F.p.assign(x.begin(), x.begin() + pe.size());
        F.q.assign(x.begin() + pe.size(), x.end());
        L maxe = 0;
        vector<L> e(npts);
        for (int i = 0; i < npts; ++i) {
            L num = fixed(t[i]), den = 1;
            for (size_t j = 0; j < pe.size(); ++j) num += F.p[j] * powl(t[i], pe[j]);
            for (size_t k = 0; k < qe.size(); ++k) den += F.q[k] * powl(t[i], qe[k]);
            qprev[i] = den;
            e[i] = fabsl((num / den - f(t[i])) * wfun(t[i]));
            if (e[i] > maxe) maxe = e[i];
        }
        L s = 0;
        for (int i = 0; i < npts; ++i) { w[i] *= e[i] / maxe + 1e-30L; s += w[i]; }
        for (int i = 0; i < npts; ++i) w[i] /= s;
        if (it % 20 == 0 || it == iters - 1) fprintf(stderr, "it %d maxrel %.3Le (2^%.2Lf)\n", it, maxe, log2l(maxe));
    }
    return F;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: fit exp|log DEGREE | tanh NP NQ X | tanhpoly N X\n");
        return 1;
    }
    const char* which = argv[1];
    if (!strcmp(which, "exp")) {
        // e^r = 1 + r + sum_{k=2}^{deg} c_k r^k on [-ln2/2, ln2/2], relative error
        int deg = atoi(argv[2]);
        L a = logl(2) / 2 + 1e-6L;
        vector<int> pe;
        for (int k = 2; k <= deg; ++k) pe.push_back(k);
        auto F = fit([](L r) { return expl(r); }, [](L r) { return 1 + r; }, [](L r) { return 1 / expl(r); }, -a, a, pe, {},
                     2000, 200);
        for (auto c : F.p) printf("%.12Le  %a\n", c, (float)c);
    } else if (!strcmp(which, "tanh")) {
        // tanh(x)/x = P(s)/Q(s), s = x^2 in [0, S]; relative error
        int np = atoi(argv[2]), nq = atoi(argv[3]);
        L X = atof(argv[4]), S = X * X;
        vector<int> pe, qe;
        for (int k = 0; k <= np; ++k) pe.push_back(k);
        for (int k = 1; k <= nq; ++k) qe.push_back(k);
        // fit in t = s/S, convert afterwards
        auto f = [S](L t) { L s = t * S; return s == 0 ? 1.0L : tanhl(sqrtl(s)) / sqrtl(s); };
        auto F = fit(f, [](L) { return 0.0L; }, [f](L t) { return 1 / f(t); }, 0, 1, pe, qe, 3000, 300);
        for (size_t k = 0; k < F.p.size(); ++k) printf("p%zu %.15Le  %a\n", k, F.p[k] / powl(S, k), (float)(F.p[k] / powl(S, k)));
        for (size_t k = 0; k < F.q.size(); ++k) printf("q%zu %.15Le  %a\n", k + 1, F.q[k] / powl(S, k + 1), (float)(F.q[k] / powl(S, k + 1)));
    } else if (!strcmp(which, "tanhpoly")) {
        // tanh(x)/x = 1 + sum_{k=1}^{n} c_k s^k, s = x^2 in [0, T^2]; relative error
        int n = atoi(argv[2]);
        L X = atof(argv[3]), S = X * X;
        vector<int> pe;
        for (int k = 1; k <= n; ++k) pe.push_back(k);
        auto f = [S](L t) { L s = t * S; return s == 0 ? 1.0L : tanhl(sqrtl(s)) / sqrtl(s); };
        auto F = fit(f, [](L) { return 1.0L; }, [f](L t) { return 1 / f(t); }, 0, 1, pe, {}, 2000, 200);
        for (size_t k = 0; k < F.p.size(); ++k) printf("c%zu %.15Le  %a\n", k + 1, F.p[k] / powl(S, k + 1), (float)(F.p[k] / powl(S, k + 1)));
    } else if (!strcmp(which, "log")) {
        // log1p(f) = f - f^2/2 + sum_{k=3}^{deg} c_k f^k on [sqrt(1/2)-1, sqrt(2)-1], relative error
        int deg = atoi(argv[2]);
        L lo = sqrtl(0.5L) - 1 - 1e-6L, hi = sqrtl(2.0L) - 1 + 1e-6L;
        vector<int> pe;
        for (int k = 3; k <= deg; ++k) pe.push_back(k);
        auto F = fit([](L x) { return x == 0 ? 0.0L : log1pl(x); }, [](L x) { return x - x * x / 2; },
                     [](L x) { return x == 0 ? 1.0L : 1 / fabsl(log1pl(x)); }, lo, hi, pe, {}, 2000, 200);
        for (auto c : F.p) printf("%.12Le  %a\n", c, (float)c);
    }
}
