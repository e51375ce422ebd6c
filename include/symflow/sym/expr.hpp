#pragma once
// Static symbols: Variable<"A">() and op nodes whose types are the graph.
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/context.hpp"
#include "../core/error.hpp"
#include "../core/fixed_string.hpp"
#include "../core/shape.hpp"
#include "../ops/op.hpp"

namespace symflow::sym {

class Symbol;
template <class E>
class Executor;

/// Base of every static symbol type; lets generic code recognise them.
struct static_symbol_tag {};

/// A static symbol: Variable<"A">() or an expression built from such.
template <class T>
concept static_symbol = std::derived_from<std::remove_cvref_t<T>, static_symbol_tag>;

class Symbol;
/// A runtime symbol (sf::sym::Symbol).
template <class T>
concept runtime_symbol = std::same_as<std::remove_cvref_t<T>, Symbol>;
/// What the operators and op functions take: a static or a runtime symbol. Mixing them
/// gives a runtime Symbol.
template <class T>
concept symbol_operand = static_symbol<T> || runtime_symbol<T>;

/// The run-time part of a static op node: its identity and its name.
struct node_info {
    std::uint64_t uid = 0;      ///< shared by all copies of one node
    std::string name;           ///< "_plus0" or the name given explicitly
    std::string_view hint;      ///< the auto-name hint; empty if named explicitly
    std::int64_t counter = -1;  ///< its number while it may still be renumbered (compose.hpp)

    node_info() = default;
    // Out of line, once for every graph: inlined, each node type's copy, move and
    // destructor held its own string copy and cleanup (a program that only composes a
    // 128-node chain: 10.8 s of g++ -O3 with them inlined, 9.5 s with these; bound and run,
    // 22.1 and 21.8 s, within the noise).
    [[gnu::noinline]] node_info(const node_info&) = default;
    [[gnu::noinline]] node_info(node_info&&) noexcept = default;
    [[gnu::noinline]] node_info& operator=(const node_info&) = default;
    [[gnu::noinline]] node_info& operator=(node_info&&) noexcept = default;
    [[gnu::noinline]] ~node_info() = default;
};

/// The members every static symbol has, as MXNet's Symbol has them (CRTP over the
/// concrete node type D).
template <class D>
struct symbol_base : static_symbol_tag {
    /// Argument names in first-use order, each once: {"A", "B", "C", "D"}.
    std::vector<std::string> list_arguments() const;
    /// Output names: {"_plus0_output"} (a variable: {"A"}).
    std::vector<std::string> list_outputs() const;
    /// Every output of every node, in MXNet's post-order, as a runtime Symbol group.
    Symbol get_internals() const;
    /// The same graph as a type-erased runtime Symbol (same names, same results).
    operator Symbol() const;
    /// MXNet's JSON text for this graph: the same as its runtime Symbol's.
    std::string tojson() const;
    /// MXNet's text dump of the graph: the same as its runtime Symbol's.
    std::string debug_str() const;

    /// Binds arrays to the arguments by name ("A"_arg = x, ...), in any order. A
    /// missing, unknown or repeated name is a compile error naming it; a wrong shape
    /// or dtype throws symflow::error naming the argument.
    template <class... B>
    Executor<D> bind(Context ctx, B&&... bindings) const;

    /// Shapes of (arguments, outputs, auxiliary states) given every argument's shape
    /// (`"A"_arg = Shape{2, 3}`, ...; names checked at compile time; dtypes float32).
    template <class... B>
    auto infer_shape(B&&... shapes) const;
    /// Dtypes of (arguments, outputs, auxiliary states) given every argument's dtype
    /// (`"A"_arg = sf::int32`, ...).
    template <class... B>
    auto infer_type(B&&... dtypes) const;

private:
    const D& self() const { return static_cast<const D&>(*this); }
};

/// A variable's shape when it is not known at compile time (the default).
struct dynamic_shape {};

/// A variable's shape fixed at compile time: `Variable<"A", 2, 3>()`.
template <Shape::dim_t... Dims>
struct static_shape {
    static_assert(((Dims >= 0) && ...), "static_shape: dimensions must be non-negative");
    /// The dimensions as a run-time Shape.
    static Shape shape() { return Shape{Dims...}; }
};

/// An input named at compile time; created by Variable<"A">() or, with a shape known at
/// compile time, Variable<"A", 2, 3>().
template <fixed_string Name, class S = dynamic_shape>
class var : public symbol_base<var<Name, S>> {
public:
    static constexpr fixed_string fixed_name = Name;
    using shape_type = S;
    /// The variable's name ("A").
    std::string name() const { return std::string(Name.view()); }
};

/// A compile-time-named input (MXNet's mx.sym.Variable("A")); variables are never
/// auto-named. Dimensions after the name fix its shape at compile time (MXNet's
/// `shape=` attribute): elementwise ops then check their operands' shapes when the
/// expression is compiled, and bind checks the array bound to it.
template <fixed_string Name, Shape::dim_t... Dims>
auto Variable() {
    static_assert(Name.size() > 0, "Variable<\"\">: a variable needs a non-empty name");
    if constexpr (sizeof...(Dims) == 0) return var<Name>{};
    else return var<Name, static_shape<Dims...>>{};
}

template <ops::op_description Op, class... In>
class expr;

namespace detail {
/// Whether E is a node with several outputs (node) or one output of such a node (view).
template <class E>
struct multi_output_traits {
    static constexpr bool node = false, view = false;
    static constexpr std::size_t index = 0;
};
template <class Op, class... In>
    requires ops::multi_output_op<Op>
struct multi_output_traits<expr<Op, In...>> {
    static constexpr bool node = true, view = false;
    static constexpr std::size_t index = 0;
};
template <class Op, std::size_t I, class... In>
struct multi_output_traits<expr<ops::output_of<Op, I>, In...>> {
    static constexpr bool node = false, view = true;
    static constexpr std::size_t index = I;
};
} // namespace detail

/// True for a static node with several outputs (what split() returns): it can be bound,
/// printed and converted, but only one of its outputs, get<I>(node), can be an op input.
template <class E>
inline constexpr bool is_multi_output_node_v = detail::multi_output_traits<std::remove_cvref_t<E>>::node;
/// True for output I of a node with several outputs (get<I>(node)).
template <class E>
inline constexpr bool is_output_of_v = detail::multi_output_traits<std::remove_cvref_t<E>>::view;
/// Which output of its node E is: I for get<I>(node), else 0.
template <class E>
inline constexpr std::size_t output_index_v = detail::multi_output_traits<std::remove_cvref_t<E>>::index;

/// Instantiated (and failing) when a node with several outputs is given as an op input;
/// its template argument names the op (MXNet refuses this too: an input is one output).
template <class Op>
struct several_outputs_as_input {
    static_assert(sizeof(Op) == 0,
                  "an op input is a node with several outputs (see several_outputs_as_input<op>); pick one "
                  "with sf::sym::get<I>(node) or node.template output<I>()");
    static constexpr bool value = false;
};

namespace detail {
/// True unless E is a node with several outputs (which fails, naming its op).
template <class E>
constexpr bool single_output_input() {
    if constexpr (is_multi_output_node_v<E>)
        return several_outputs_as_input<typename std::remove_cvref_t<E>::op>::value;
    else
        return true;
}
} // namespace detail

/// Instantiated (and failing) when an elementwise op gets operands whose shapes, known
/// at compile time, differ; its template arguments name the op and both shapes.
template <class Op, class LhsShape, class RhsShape>
struct static_shape_mismatch {
    static_assert(sizeof(Op) == 0,
                  "the operands of an elementwise op have different compile-time shapes (see "
                  "static_shape_mismatch<op, shape, shape>); use broadcast_* ops to broadcast");
    using type = dynamic_shape;
};

/// Instantiated (and failing) when a broadcasting op gets operands whose shapes, known at
/// compile time, cannot be broadcast together; its template arguments name the op and both.
template <class Op, class LhsShape, class RhsShape>
struct static_broadcast_mismatch {
    static_assert(sizeof(Op) == 0,
                  "the operands of a broadcast op have compile-time shapes that numpy's rules cannot broadcast "
                  "together (see static_broadcast_mismatch<op, shape, shape>): each axis, aligned from the last, "
                  "must be equal or 1");
    using type = dynamic_shape;
};

namespace detail {
template <class E>
struct static_shape_of {
    using type = dynamic_shape;
};
template <fixed_string N, class S>
struct static_shape_of<var<N, S>> {
    using type = S;
};
/// The compile-time shape two operands of an elementwise op agree on.
template <class Op, class A, class B>
struct combine_shapes {
    using type = typename static_shape_mismatch<Op, A, B>::type;
};
template <class Op, class A>
struct combine_shapes<Op, A, A> {
    using type = A;
};
template <class Op, class A>
struct combine_shapes<Op, A, dynamic_shape> {
    using type = A;
};
template <class Op, class B>
struct combine_shapes<Op, dynamic_shape, B> {
    using type = B;
};
template <class Op>
struct combine_shapes<Op, dynamic_shape, dynamic_shape> {
    using type = dynamic_shape;
};
template <class Op, class Acc, class... Rest>
struct fold_shapes {
    using type = Acc;
};
template <class Op, class Acc, class First, class... Rest>
struct fold_shapes<Op, Acc, First, Rest...> {
    using type = typename fold_shapes<Op, typename combine_shapes<Op, Acc, First>::type, Rest...>::type;
};
/// numpy broadcasting of two compile-time shapes (A and B aligned at their last axes).
template <class Op, class A, class B>
struct broadcast_static {
    using type = dynamic_shape;  // a shape not known at compile time: checked at bind
};
template <class Op, Shape::dim_t... X, Shape::dim_t... Y>
struct broadcast_static<Op, static_shape<X...>, static_shape<Y...>> {
    static constexpr std::size_t nx = sizeof...(X), ny = sizeof...(Y), n = nx > ny ? nx : ny;
    struct result {
        std::array<Shape::dim_t, n> dims{};
        bool ok = true;
    };
    static constexpr result compute() {
        const std::array<Shape::dim_t, nx> x{X...};
        const std::array<Shape::dim_t, ny> y{Y...};
        result r;
        for (std::size_t k = 0; k < n; ++k) {  // k-th axis from the end
            const Shape::dim_t a = k < nx ? x[nx - 1 - k] : 1, b = k < ny ? y[ny - 1 - k] : 1;
            r.ok = r.ok && (a == b || a == 1 || b == 1);
            r.dims[n - 1 - k] = a == 1 ? b : a;
        }
        return r;
    }
    static constexpr result value = compute();
    template <std::size_t... K>
    static auto make(std::index_sequence<K...>) -> static_shape<value.dims[K]...>;
    template <bool Ok, class = void>  // lazily: the mismatch fails only when chosen
    struct pick {
        using type = decltype(make(std::make_index_sequence<n>{}));
    };
    template <class V>
    struct pick<false, V> {
        using type = typename static_broadcast_mismatch<Op, static_shape<X...>, static_shape<Y...>>::type;
    };
    using type = typename pick<value.ok>::type;
};
/// Flatten of a compile-time shape: (d0, d1 * ... * dn); (n,) gives (n, 1).
template <class S>
struct flatten_static {
    using type = dynamic_shape;
};
template <Shape::dim_t D0, Shape::dim_t... Rest>
struct flatten_static<static_shape<D0, Rest...>> {
    using type = static_shape<D0, (Shape::dim_t(1) * ... * Rest)>;
};
template <class Op, class... In>
struct first_shape {
    using type = dynamic_shape;
};
template <class Op, class In0, class... In>
struct first_shape<Op, In0, In...> {
    using type = typename static_shape_of<In0>::type;
};
/// The compile-time shape of a node, by its op's shape_rule (ops::static_rule_of).
template <class Op, class... In>
struct static_shape_of<expr<Op, In...>> {
    static constexpr ops::shape_rule rule = ops::static_rule_of<Op>();
    template <ops::shape_rule R, class = void>
    struct pick {
        using type = dynamic_shape;
    };
    template <class V>
    struct pick<ops::shape_rule::equal, V> {
        using type = typename fold_shapes<Op, dynamic_shape, typename static_shape_of<In>::type...>::type;
    };
    template <class V>
    struct pick<ops::shape_rule::first, V> {
        using type = typename first_shape<Op, In...>::type;
    };
    template <class V>
    struct pick<ops::shape_rule::broadcast, V> {
        using type = typename broadcast_static<Op, typename static_shape_of<In>::type...>::type;
    };
    template <class V>
    struct pick<ops::shape_rule::flatten, V> {
        using type = typename flatten_static<typename first_shape<Op, In...>::type>::type;
    };
    using type = typename pick<rule>::type;
};
} // namespace detail

/// The shape of E known at compile time: static_shape<...> or dynamic_shape.
template <class E>
using static_shape_t = typename detail::static_shape_of<std::remove_cvref_t<E>>::type;

namespace detail {
/// Input K of an op node (or of its evaluator, exec/evaluator.hpp), of type T: one base
/// per input, so that a node's inputs are plain members rather than a std::tuple, whose
/// constructors, constraints and base classes were instantiated again for every node type
/// of every graph.
template <std::size_t K, class T>
struct input_box {
    [[no_unique_address]] T value;
};
template <class Seq, class... In>
struct input_pack;
template <std::size_t... K, class... In>
struct input_pack<std::index_sequence<K...>, In...> : input_box<K, In>... {
    explicit input_pack(In... in) : input_box<K, In>{std::move(in)}... {}
};
/// Input K of a pack (T deduced from its base).
template <std::size_t K, class T>
const T& input_at(const input_box<K, T>& b) {
    return b.value;
}
template <std::size_t K, class T>
T& input_at(input_box<K, T>& b) {
    return b.value;
}

/// The size and depth of a static symbol's graph, counted in op nodes: 0 for a variable;
/// op nodes carry theirs (expr::graph_nodes, expr::graph_depth), computed from their
/// inputs', which are complete types by then: no recursion over the graph.
template <class E>
struct graph_count {
    static constexpr std::size_t nodes = 0, depth = 0;
};
template <class Op, class... In>
struct graph_count<expr<Op, In...>> {
    static constexpr std::size_t nodes = expr<Op, In...>::graph_nodes, depth = expr<Op, In...>::graph_depth;
};
/// The largest of xs (0 if none).
template <class... X>
constexpr std::size_t max_of(X... xs) {
    std::size_t r = 0;
    ((r = xs > r ? xs : r), ...);
    return r;
}
} // namespace detail

/// An op applied to static symbols: the type `expr<Op, In...>` is this node of the graph;
/// the value holds its name, its attributes and (by value) its inputs.
template <ops::op_description Op, class... In>
class expr : public symbol_base<expr<Op, In...>> {
    static_assert(sizeof...(In) == ops::arity_v<Op>, "wrong number of inputs for this op");
    // Checks the operands' compile-time shapes as soon as the expression is written.
    using static_shape_check = static_shape_t<expr>;
    static_assert(!std::is_void_v<static_shape_check>);

public:
    using op = Op;
    using params_type = typename Op::params;
    /// Op node occurrences of this graph as a tree: a node read twice counts twice, as its
    /// type (and value) holds it twice (see graph_limits.hpp).
    static constexpr std::size_t graph_nodes = (detail::graph_count<In>::nodes + ... + 1);
    /// Op nodes on the longest path from a variable to this node.
    static constexpr std::size_t graph_depth = detail::max_of(detail::graph_count<In>::depth...) + 1;

    expr(node_info info, params_type params, In... in)
        : info_(std::move(info)), params_(std::move(params)), inputs_(std::move(in)...) {}
    // Copies, moves and destruction are functions of their own, defaulted below: inlined,
    // each node's would hold its whole subtree's (strings of every node), code that grows
    // with the square of a chain's length (a 128-node chain: 300 KB of it, most of the
    // compile time its composition took).
    [[gnu::noinline]] expr(const expr&);
    [[gnu::noinline]] expr(expr&&) noexcept;
    [[gnu::noinline]] expr& operator=(const expr&);
    [[gnu::noinline]] expr& operator=(expr&&) noexcept;
    [[gnu::noinline]] ~expr();

    /// The node name ("_plus0").
    const std::string& name() const { return info_.name; }
    const node_info& info() const { return info_; }
    node_info& info() { return info_; }
    const params_type& params() const { return params_; }
    /// Input K of this node.
    template <std::size_t K>
    const auto& input() const {
        return detail::input_at<K>(inputs_);
    }
    template <std::size_t K>
    auto& input() {
        return detail::input_at<K>(inputs_);
    }

    /// Number of outputs of a node with several outputs (MXNet's len(s)).
    std::size_t size() const
        requires ops::multi_output_op<Op>
    {
        return Op::num_outputs(params_);
    }
    /// Output I of a node with several outputs: a single-output static symbol (named like
    /// the node, listing `<name>_output<I>`) usable in any expression; every output used
    /// refers to this one node, computed once. I >= size() throws symflow::error.
    template <std::size_t I>
        requires ops::multi_output_op<Op>
    expr<ops::output_of<Op, I>, In...> output() const&;
    /// output<I>() of a temporary node: moves the node into its output.
    template <std::size_t I>
        requires ops::multi_output_op<Op>
    expr<ops::output_of<Op, I>, In...> output() &&;
    /// node[std::integral_constant<std::size_t, I>{}]: output<I>() with the index as a value.
    template <class T, T I>
        requires(ops::multi_output_op<Op> && std::is_integral_v<T> && !std::is_same_v<T, bool>)
    auto operator[](std::integral_constant<T, I>) const& {
        static_assert(I >= 0, "node[...]: an output index cannot be negative");
        return this->template output<static_cast<std::size_t>(I)>();
    }
    /// node[...] of a temporary node: moves the node into its output.
    template <class T, T I>
        requires(ops::multi_output_op<Op> && std::is_integral_v<T> && !std::is_same_v<T, bool>)
    auto operator[](std::integral_constant<T, I>) && {
        static_assert(I >= 0, "node[...]: an output index cannot be negative");
        return std::move(*this).template output<static_cast<std::size_t>(I)>();
    }

private:
    /// Throws symflow::error unless output i exists.
    void check_output_index(std::size_t i) const {
        const std::size_t n = Op::num_outputs(params_);
        if (i >= n)
            throw error("output " + std::to_string(i) + " of " + std::string(Op::name) + " node '" + info_.name +
                        "' does not exist: it has " + std::to_string(n) + " outputs (0 to " + std::to_string(n - 1) +
                        ")");
    }

    node_info info_;
    params_type params_;
    detail::input_pack<std::index_sequence_for<In...>, In...> inputs_;
};

template <ops::op_description Op, class... In>
expr<Op, In...>::expr(const expr&) = default;
template <ops::op_description Op, class... In>
expr<Op, In...>::expr(expr&&) noexcept = default;
template <ops::op_description Op, class... In>
expr<Op, In...>& expr<Op, In...>::operator=(const expr&) = default;
template <ops::op_description Op, class... In>
expr<Op, In...>& expr<Op, In...>::operator=(expr&&) noexcept = default;
template <ops::op_description Op, class... In>
expr<Op, In...>::~expr() = default;

/// `<Symbol _plus0>`, `<Symbol A>`, as MXNet prints a symbol.
template <static_symbol S>
std::ostream& operator<<(std::ostream& os, const S& s) {
    return os << "<Symbol " << s.name() << '>';
}

namespace detail {
template <class T>
struct is_var : std::false_type {};
template <fixed_string N, class S>
struct is_var<var<N, S>> : std::true_type {};
} // namespace detail

/// True for Variable<"...">() types.
template <class T>
inline constexpr bool is_variable_v = detail::is_var<std::remove_cvref_t<T>>::value;

namespace detail {
/// Marks a node as settled: its name is final (compose.hpp). One type for every graph, so
/// the walk is instantiated once per node type, not once per node type and graph as a
/// lambda in a template over the graph would make it.
struct settle_fn {
    void operator()(node_info& n) const { n.counter = -1; }
};

template <class E, class F>
void for_each_node_info(E& e, F& f);
// Not inlined: inlined, the walk of each composed node would hold its whole subtree's
// (code quadratic in the length of a chain); as a function per node type it is linear.
template <class E, class F, std::size_t... K>
[[gnu::noinline]] void for_each_node_info_of(E& e, F& f, std::index_sequence<K...>) {
    (for_each_node_info(e.template input<K>(), f), ...);
    f(e.info());
}
/// Calls f(node_info&) for every op node of `e` in post-order. An index sequence rather
/// than std::apply and a lambda: two functions per node type rather than six.
template <class E, class F>
void for_each_node_info(E& e, F& f) {
    if constexpr (!is_variable_v<E>) for_each_node_info_of(e, f, std::make_index_sequence<ops::arity_v<typename E::op>>{});
}
} // namespace detail

/// Calls f(node) for every op node of `e` (variables excluded) in post-order, inputs left
/// to right; copies of one node are visited as often as they occur.
template <class E, class F>
void for_each_op_node(E&& e, F&& f) {
    if constexpr (!is_variable_v<E>) {
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            (for_each_op_node(e.template input<K>(), f), ...);
        }(std::make_index_sequence<ops::arity_v<typename std::remove_cvref_t<E>::op>>{});
        f(e);
    }
}

// output<I>(): defined here, after for_each_op_node, which settles the copy's names.
template <ops::op_description Op, class... In>
template <std::size_t I>
    requires ops::multi_output_op<Op>
expr<ops::output_of<Op, I>, In...> expr<Op, In...>::output() const& {
    check_output_index(I);
    auto r = [&]<std::size_t... K>(std::index_sequence<K...>) {
        return expr<ops::output_of<Op, I>, In...>(info_, params_, input<K>()...);
    }(std::index_sequence_for<In...>{});
    // a copy taken from an lvalue: its names are settled, as for any lvalue operand (compose.hpp)
    detail::settle_fn settle;
    detail::for_each_node_info(r, settle);
    return r;
}
template <ops::op_description Op, class... In>
template <std::size_t I>
    requires ops::multi_output_op<Op>
expr<ops::output_of<Op, I>, In...> expr<Op, In...>::output() && {
    check_output_index(I);
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return expr<ops::output_of<Op, I>, In...>(std::move(info_), std::move(params_), std::move(input<K>())...);
    }(std::index_sequence_for<In...>{});
}

/// get<I>(node): output I of a node with several outputs (node.output<I>()).
template <std::size_t I, class E>
    requires is_multi_output_node_v<E>
auto get(E&& node) {
    return std::forward<E>(node).template output<I>();
}

namespace detail {
template <class T, class E>
struct supports : std::true_type {};
template <class T, class Op, class... In>
struct supports<T, expr<Op, In...>>
    : std::bool_constant<Op::kind != ops::op_kind::elementwise ||
                         (ops::op_dtypes<Op>().template contains<T>() && (supports<T, In>::value && ...))> {};
} // namespace detail

/// True if every elementwise op of E, down to its materialized nodes (which have their
/// own kernels), accepts element type T; fused kernels are compiled only for such T.
template <class E, class T>
inline constexpr bool graph_supports_v = detail::supports<T, std::remove_cvref_t<E>>::value;

} // namespace symflow::sym
