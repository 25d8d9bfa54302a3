using DevOpsProvider.Web.Catalog;
using Microsoft.AspNetCore.Mvc;

namespace DevOpsProvider.Web.Api;

/// <summary>RFC 7807 problem details of the provider's API; validation problems list each field and the rule it broke.</summary>
public static class ApiProblem
{
    public static IResult Invalid(string detail, IReadOnlyList<FieldError> errors)
        => Results.Problem(Create(StatusCodes.Status400BadRequest, "The request is not valid", detail, errors));

    public static IResult BadRequest(string detail)
        => Results.Problem(Create(StatusCodes.Status400BadRequest, "The request is not valid", detail));

    public static IResult NotFound(string detail)
        => Results.Problem(Create(StatusCodes.Status404NotFound, "Not found", detail));

    public static ProblemDetails Create(int status, string title, string detail, IReadOnlyList<FieldError>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors.Select(e => new { field = e.Field, rule = e.Rule }).ToArray();
        }

        return problem;
    }

    /// <summary>For middleware and auth handlers, which write the response themselves.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, IReadOnlyList<FieldError>? errors = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Create(status, title, detail, errors), options: null, contentType: "application/problem+json", context.RequestAborted);
    }
}
