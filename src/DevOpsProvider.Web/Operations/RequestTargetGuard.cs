using System.Globalization;
using DevOpsProvider.Web.Api;
using DevOpsProvider.Web.Catalog;
using Microsoft.AspNetCore.Http.Features;

namespace DevOpsProvider.Web.Operations;

/// <summary>
/// Refuses request targets that carry a percent-encoded control character (%00 to %1F, %7F) in the path or query
/// with 400. No id, scope or search text the app knows can hold one (the catalog refuses them), and PostgreSQL
/// refuses NUL in text outright: without this, "?q=%00" or "/catalog/component?id=%00" would end as a database error.
/// Kestrel already refuses raw control bytes in the request line.
/// </summary>
public static class RequestTargetGuard
{
    public const string Field = "(request target)";

    public static IApplicationBuilder UseRequestTargetGuard(this IApplicationBuilder app)
        => app.Use((context, next) =>
        {
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
            var at = EncodedControl(target);
            if (at < 0)
            {
                return next(context);
            }

            var rule = $"must not contain control characters: {target.Substring(at, 3)} at character {at + 1}";
            return ApiProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "The request is not valid",
                $"the request target {rule}; ids, scopes and search text never hold one", [new FieldError(Field, rule)]);
        });

    /// <summary>The index of the first %XX escape of a control character, or -1.</summary>
    public static int EncodedControl(string target)
    {
        for (var i = target.IndexOf('%', StringComparison.Ordinal); i >= 0 && i + 2 < target.Length; i = target.IndexOf('%', i + 1))
        {
            if (byte.TryParse(target.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
                && (value < 0x20 || value == 0x7F))
            {
                return i;
            }
        }

        return -1;
    }
}
