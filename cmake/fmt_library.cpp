// The compiled part of {fmt}, built into the binaries when MQ_STATIC_RUNTIME
// is on. Debian ships fmt's headers and a shared library but no static one,
// and libfmt.so would also pull in libstdc++.so, whose loading and symbol
// binding is a large part of what a short mqpub run spends before main().
// fmt's out-of-line functions live in format-inl.h: included here without
// FMT_HEADER_ONLY they become ordinary definitions; the templates format.h
// declares `extern` are instantiated below for the character types we use.

#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API void vformat_to(buffer<char>&, string_view, basic_format_args<buffer_context<char>>,
                                 locale_ref);

}  // namespace detail
FMT_END_NAMESPACE
