using DevOpsProvider.Web.Catalog;
using Microsoft.Net.Http.Headers;

namespace DevOpsProvider.Web.Api;

/// <summary>
/// A request body (or uploaded file) that is not UTF-8 text: a declared charset other than UTF-8, a UTF-16/32 byte
/// order mark, bytes that are not valid UTF-8, or a NUL byte. Answered with 415 naming the rule and where it broke,
/// never decoded with replacement characters (that would store mojibake).
/// </summary>
public sealed class BodyEncodingException(string field, string rule) : Exception($"{field} {rule}")
{
    public const string Title = "The request body is not UTF-8 text";

    public FieldError Error { get; } = new(field, rule);

    public IResult ToProblem()
        => Results.Problem(ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, Title, Message, [Error]));
}

public static class Utf8Body
{
    public const string BodyField = "body";
    public const string ContentTypeField = "Content-Type";

    /// <summary>
    /// Refuses a Content-Type whose charset is not UTF-8 (US-ASCII is a subset of UTF-8 and passes). Without a
    /// charset the body is read as UTF-8 and checked byte by byte by <see cref="Utf8CheckingStream"/>.
    /// </summary>
    /// <exception cref="BodyEncodingException">The declared charset is another one.</exception>
    public static void CheckCharset(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return;
        }

        var charset = parsed.Charset.Value?.Trim('"').Trim();
        if (string.IsNullOrEmpty(charset)
            || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)
            || string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase)
            || string.Equals(charset, "us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        throw new BodyEncodingException(ContentTypeField, $"must declare charset=utf-8 or none (it declares charset={charset}): the catalog reads UTF-8 only");
    }
}
