using System.Text.Json.Nodes;
using DevOpsProvider.Connect;

namespace DevOpsProvider.JiraEmulator;

/// <summary>Jira calling one of the app's module actions (PROTOCOL.md section 7).</summary>
/// <param name="ComponentId">The component's id; what onEntityAssociated/onEntityDisassociated name.</param>
/// <param name="ComponentUrl">The component's url; what associateEntity/disassociateEntity look the component up by.</param>
/// <param name="TargetType">"project" or "issue".</param>
/// <param name="TargetId">The Jira project or issue id.</param>
/// <param name="UserId">The Atlassian account id of the user acting in Jira.</param>
public sealed record ActionCallRequest(string? ComponentId, string? ComponentUrl, string TargetType, string TargetId, string UserId = "emulator-user");

/// <summary>The app's answer to an action call: status (0 when it could not be reached) and body.</summary>
public sealed record ActionCallResult(int Status, string Body);

internal sealed class ActionCaller(AppClient client)
{
    public Task<ActionCallResult> CallAsync(EmulatorSite site, string action, ActionCallRequest request, CancellationToken ct)
    {
        if (!site.App.Actions.TryGetValue(action, out var templateUrl))
        {
            throw new ArgumentException($"'{action}' is not an action; use one of {string.Join(", ", DescriptorRules.ActionNames)}", nameof(action));
        }

        if (request.TargetType is not ("project" or "issue"))
        {
            throw new ArgumentException("targetType must be \"project\" or \"issue\"", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.TargetId))
        {
            throw new ArgumentException("targetId is required", nameof(request));
        }

        var target = new JsonObject
        {
            ["ati"] = "ati:cloud:jira:" + request.TargetType,
            ["ari"] = $"ari:cloud:jira:{site.CloudId}:{request.TargetType}/{request.TargetId}",
            ["cloudId"] = site.CloudId,
            ["id"] = request.TargetId,
        };
        var signing = new AppClient.SecretSigned(site.SharedSecret, request.UserId);
        switch (action)
        {
            case "associateEntity" or "disassociateEntity":
                {
                    if (string.IsNullOrWhiteSpace(request.ComponentUrl))
                    {
                        throw new ArgumentException($"componentUrl is required for {action}", nameof(request));
                    }

                    var body = new JsonObject
                    {
                        ["entity"] = new JsonObject { ["url"] = request.ComponentUrl },
                        [action == "associateEntity" ? "associateWith" : "disassociateFrom"] = target,
                    };
                    var url = templateUrl + (templateUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?")
                        + "userId=" + Uri.EscapeDataString(request.UserId);
                    return client.SendAsync(site, HttpMethod.Post, url, body.ToJsonString(), signing, ct);
                }

            default:
                {
                    if (string.IsNullOrWhiteSpace(request.ComponentId))
                    {
                        throw new ArgumentException($"componentId is required for {action}", nameof(request));
                    }

                    var body = new JsonObject
                    {
                        ["entity"] = new JsonObject
                        {
                            ["ari"] = $"ari:cloud:jira:{site.CloudId}:devops-component/{Uri.EscapeDataString(request.ComponentId)}",
                            ["id"] = request.ComponentId,
                        },
                        [action == "onEntityAssociated" ? "associatedWith" : "disassociatedFrom"] = target,
                        ["user"] = new JsonObject { ["id"] = request.UserId },
                    };
                    // Atlassian's own data-provider apps receive these notifications as PUT.
                    return client.SendAsync(site, HttpMethod.Put, templateUrl, body.ToJsonString(), signing, ct);
                }
        }
    }
}
