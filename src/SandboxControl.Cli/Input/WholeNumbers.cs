using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli.Input;

/// <summary>
/// Parsers for integer options: <c>--limit: 'abc' is not a whole number</c> instead of System.CommandLine's
/// <c>as expected type 'System.Int64'</c>, and the range checked while parsing (a validator that reads a value that
/// failed to parse throws).
/// </summary>
internal static class WholeNumbers
{
    public static Func<ArgumentResult, T> Parser<T>(T minimum, T maximum)
        where T : struct, IBinaryInteger<T> =>
        result => Parse(result, minimum, maximum) ?? default;

    public static Func<ArgumentResult, T?> OptionalParser<T>(T minimum, T maximum)
        where T : struct, IBinaryInteger<T> =>
        result => Parse(result, minimum, maximum);

    private static T? Parse<T>(ArgumentResult result, T minimum, T maximum)
        where T : struct, IBinaryInteger<T>
    {
        var name = result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (!T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name}: '{TextSanitizer.Clean(text)}' is not a whole number.");
            return null;
        }

        if (value < minimum || value > maximum)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: {value} is out of range ({minimum} to {maximum})."));
            return null;
        }

        return value;
    }
}
