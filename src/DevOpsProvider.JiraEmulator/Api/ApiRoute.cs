namespace DevOpsProvider.JiraEmulator;

internal enum ApiOperation
{
    Submit,
    GetById,
    DeleteById,
    DeleteByProperties,
}

/// <summary>
/// Which DevOps Components operation a path names, relative to the site. Both the seed's routes
/// (/rest/devopscomponents/1.0/{componentId}) and Atlassian's current ones (.../1.0/devopscomponents/{componentId}).
/// </summary>
internal readonly record struct ApiRoute(ApiOperation? Operation, string? ComponentId, int FailureStatus)
{
    public const string Prefix = "/rest/devopscomponents/1.0/";
    private const string CurrentSingle = "devopscomponents/";

    /// <summary>The scope Jira requires for the operation (the API page, per operation).</summary>
    public string Scope => Operation switch
    {
        ApiOperation.GetById => "READ",
        ApiOperation.Submit => "WRITE",
        _ => "DELETE",
    };

    /// <param name="rawPath">The path as sent, relative to the site's context path; component ids arrive percent-encoded.</param>
    public static ApiRoute Match(string method, string rawPath)
    {
        if (!rawPath.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Fail(StatusCodes.Status404NotFound);
        }

        var tail = rawPath[Prefix.Length..];
        switch (tail)
        {
            case "bulk":
                return method == "POST" ? new ApiRoute(ApiOperation.Submit, null, 0) : Fail(StatusCodes.Status405MethodNotAllowed);
            case "bulkByProperties":
                return method == "DELETE" ? new ApiRoute(ApiOperation.DeleteByProperties, null, 0) : Fail(StatusCodes.Status405MethodNotAllowed);
        }

        var segment = tail.StartsWith(CurrentSingle, StringComparison.Ordinal) ? tail[CurrentSingle.Length..] : tail;
        if (segment.Length == 0 || segment.Contains('/', StringComparison.Ordinal))
        {
            return Fail(StatusCodes.Status404NotFound);
        }

        var id = Uri.UnescapeDataString(segment);
        return method switch
        {
            "GET" => new ApiRoute(ApiOperation.GetById, id, 0),
            "DELETE" => new ApiRoute(ApiOperation.DeleteById, id, 0),
            _ => Fail(StatusCodes.Status405MethodNotAllowed),
        };
    }

    private static ApiRoute Fail(int status) => new(null, null, status);
}
