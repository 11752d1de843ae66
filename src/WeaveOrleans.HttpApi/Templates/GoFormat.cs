using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// Go's fmt as templates use it: how a value prints (<c>%v</c>), <c>print</c>, <c>println</c> and
/// <c>printf</c> with the common verbs, flags, width and precision. A verb that does not fit its
/// argument prints Go's <c>%!d(string=x)</c> marker instead of failing, as Go does.
/// </summary>
internal sealed class GoFormat(Func<JsonElement, string?>? stringer)
{
    // Go refuses widths and precisions above this with %!(BADWIDTH) / %!(BADPREC).
    private const int MaxWidth = 1_000_000;

    /// <summary><c>%v</c>: the value as Go prints it (a list <c>[a b]</c>, an object <c>{v1 v2}</c>, nil <c>&lt;nil&gt;</c>).</summary>
    public string Print(object? value) => Verb(value, 'v', plus: false);

    /// <summary>Go's Sprint: a space between two operands when neither is a string.</summary>
    public string Sprint(IReadOnlyList<object?> args)
    {
        var text = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string)
                text.Append(' ');
            text.Append(Print(args[i]));
        }
        return text.ToString();
    }

    /// <summary>Go's Sprintln: spaces between all operands and a newline.</summary>
    public string Sprintln(IReadOnlyList<object?> args) => string.Join(' ', args.Select(Print)) + "\n";

    public string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var text = new StringBuilder();
        var next = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i++];
            if (c != '%')
            {
                text.Append(c);
                continue;
            }
            var spec = new Spec();
            for (; i < format.Length && "-+# 0".Contains(format[i], StringComparison.Ordinal); i++)
                spec.Flag(format[i]);
            var badWidth = false;
            var badPrecision = false;
            spec.Width = Digits(format, ref i, ref badWidth);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                spec.Precision = Digits(format, ref i, ref badPrecision) ?? 0;
            }
            if (i >= format.Length)
            {
                text.Append("%!(NOVERB)");
                break;
            }
            var verb = format[i++];
            if (verb == '%')
            {
                text.Append('%');
                continue;
            }
            if (badWidth || badPrecision)
            {
                text.Append(badWidth ? "%!(BADWIDTH)" : "%!(BADPREC)");
                continue;
            }
            if (next >= args.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $"%!{verb}(MISSING)");
                continue;
            }
            text.Append(Formatted(args[next++], verb, spec));
        }
        if (next < args.Count)
            text.Append("%!(EXTRA ").Append(string.Join(", ", args.Skip(next).Select(a => $"{TemplateValue.TypeName(a)}={Print(a)}"))).Append(')');
        return text.ToString();
    }

    private static int? Digits(string format, ref int i, ref bool bad)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
            i++;
        if (i == start)
            return null;
        if (!int.TryParse(format.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > MaxWidth)
        {
            bad = true;
            return null;
        }
        return n;
    }

    private sealed class Spec
    {
        public bool Minus, Plus, Sharp, Space, Zero;
        public int? Width;
        public int? Precision;

        public void Flag(char c)
        {
            switch (c)
            {
                case '-': Minus = true; break;
                case '+': Plus = true; break;
                case '#': Sharp = true; break;
                case ' ': Space = true; break;
                case '0': Zero = true; break;
            }
        }
    }

    private string Formatted(object? arg, char verb, Spec spec)
    {
        var (text, numeric) = Body(arg, verb, spec);
        if (spec.Width is not { } width || text.Length >= width)
            return text;
        if (spec.Minus)
            return text.PadRight(width);
        if (spec.Zero && numeric)
        {
            var sign = text.Length > 0 && text[0] is '-' or '+' or ' ' ? text[..1] : "";
            return sign + text[sign.Length..].PadLeft(width - sign.Length, '0');
        }
        return text.PadLeft(width);
    }

    /// <summary>The formatted argument before padding, and whether it is a number (for zero padding).</summary>
    private (string Text, bool Numeric) Body(object? arg, char verb, Spec spec)
    {
        if (arg is JsonElement composite && verb != 'v')
            return (Composite(composite, e => Formatted(e, verb, spec), plus: spec.Plus), false);
        switch (verb)
        {
            case 'v':
                return (Verb(arg, 'v', spec.Plus), arg is long or double);
            case 's' when arg is string s:
                return (spec.Precision is { } p && p < s.Length ? s[..p] : s, false);
            case 'q' when arg is string s:
                return (Quote(s), false);
            case 'x' or 'X' when arg is string s:
                var hex = Convert.ToHexString(Encoding.UTF8.GetBytes(s));
                return (verb == 'x' ? hex.ToLowerInvariant() : hex, false);
            case 't' when arg is bool b:
                return (b ? "true" : "false", false);
            case 'd' or 'x' or 'X' or 'o' or 'b' or 'c' when Integer(arg) is { } n:
                return (IntegerText(n, verb, spec), true);
            case 'f' or 'F' or 'e' or 'E' or 'g' or 'G' when arg is long or double:
                return (FloatText(Convert.ToDouble(arg, CultureInfo.InvariantCulture), verb, spec), true);
            default:
                return ($"%!{verb}({(arg is null ? "<nil>" : $"{TemplateValue.TypeName(arg)}={Print(arg)}")})", false);
        }
    }

    private static long? Integer(object? arg) => arg switch
    {
        long l => l,
        // Lenient where Go is strict: a whole float (a JSON number written 3.0) formats as an integer.
        double d when Math.Floor(d) == d && Math.Abs(d) < 9e18 => (long)d,
        _ => null,
    };

    private static string IntegerText(long n, char verb, Spec spec)
    {
        if (verb == 'c')
            return n is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF) ? char.ConvertFromUtf32((int)n) : "\uFFFD";
        var magnitude = n < 0 ? (ulong)(-(n + 1)) + 1 : (ulong)n;
        var digits = verb switch
        {
            'x' => magnitude.ToString("x", CultureInfo.InvariantCulture),
            'X' => magnitude.ToString("X", CultureInfo.InvariantCulture),
            'o' => Convert.ToString((long)magnitude, 8),
            'b' => Convert.ToString((long)magnitude, 2),
            _ => magnitude.ToString(CultureInfo.InvariantCulture),
        };
        if (spec.Precision is { } p)
            digits = digits.PadLeft(p, '0');
        if (spec.Sharp)
            digits = verb switch { 'x' => "0x" + digits, 'X' => "0X" + digits, 'o' => "0" + digits, _ => digits };
        return (n < 0 ? "-" : spec.Plus ? "+" : spec.Space ? " " : "") + digits;
    }

    private static string FloatText(double d, char verb, Spec spec)
    {
        var precision = spec.Precision;
        var text = verb switch
        {
            'f' or 'F' => d.ToString("F" + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            'e' or 'E' => GoExponent(d.ToString((verb == 'e' ? "e" : "E") + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
            _ => precision is { } p
                ? GoExponent(d.ToString("G" + Math.Max(p, 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))
                : Shortest(d),
        };
        if (verb == 'G')
            text = text.ToUpperInvariant();
        else if (verb == 'g')
            text = text.Replace('E', 'e');
        if (d >= 0 && !text.StartsWith('-'))
            text = (spec.Plus ? "+" : spec.Space ? " " : "") + text;
        return text;
    }

    /// <summary>Go's shortest form of a float64 (<c>%v</c>): <c>1.5</c>, <c>1e+21</c>, <c>1e-05</c>.</summary>
    private static string Shortest(double d)
    {
        if (double.IsNaN(d))
            return "NaN";
        if (double.IsInfinity(d))
            return d > 0 ? "+Inf" : "-Inf";
        // .NET's round-trip form has the shortest digits; Go places the point differently.
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = e < 0 ? 0 : int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        exponent += (point < 0 ? mantissa.Length : point) - 1;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        exponent -= lead;
        var sign = d < 0 ? "-" : "";
        if (digits.Length == 0)
            return sign + "0";
        if (exponent is < -4 or >= 21)
            return sign + digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + (exponent < 0 ? "e-" : "e+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        if (exponent < 0)
            return sign + "0." + new string('0', -exponent - 1) + digits;
        return sign + (digits.Length <= exponent + 1
            ? digits.PadRight(exponent + 1, '0')
            : digits[..(exponent + 1)] + "." + digits[(exponent + 1)..]);
    }

    /// <summary>.NET writes exponents as <c>e+006</c>; Go as <c>e+06</c>.</summary>
    private static string GoExponent(string text)
    {
        var e = text.IndexOfAny(['e', 'E']);
        if (e < 0)
            return text;
        var sign = text[e + 1] is '-' ? "-" : "+";
        var digits = text[(e + 1)..].TrimStart('+', '-').TrimStart('0');
        return $"{text[..e]}{text[e]}{sign}{digits.PadLeft(2, '0')}";
    }

    /// <summary><c>%v</c> (and <c>%+v</c>, which names an object's fields).</summary>
    private string Verb(object? value, char verb, bool plus) => value switch
    {
        null => "<nil>",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Shortest(d),
        JsonElement e => Composite(e, v => Verb(v, verb, plus), plus),
        _ => value.ToString() ?? "",
    };

    private string Composite(JsonElement element, Func<object?, string> item, bool plus)
    {
        if (element.ValueKind == JsonValueKind.Array)
            return "[" + string.Join(' ', element.EnumerateArray().Select(e => item(TemplateValue.From(e)))) + "]";
        if (element.ValueKind != JsonValueKind.Object)
            return item(TemplateValue.From(element));
        if (stringer?.Invoke(element) is { } text)
            return text;
        return "{" + string.Join(' ', element.EnumerateObject().Select(p =>
            (plus ? p.Name + ":" : "") + item(TemplateValue.From(p.Value)))) + "}";
    }

    /// <summary>Go's strconv.Quote: double quotes, backslash escapes, <c>\x</c>/<c>\u</c> for what does not print.</summary>
    public static string Quote(string s)
    {
        var text = new StringBuilder("\"");
        foreach (var rune in s.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\t': text.Append("\\t"); break;
                case '\r': text.Append("\\r"); break;
                case '\a': text.Append("\\a"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\v': text.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7F)
                        text.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    else if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate)
                        text.Append(rune.Value > 0xFFFF
                            ? string.Create(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}")
                            : string.Create(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}"));
                    else
                        text.Append(rune.ToString());
                    break;
            }
        }
        return text.Append('"').ToString();
    }
}
