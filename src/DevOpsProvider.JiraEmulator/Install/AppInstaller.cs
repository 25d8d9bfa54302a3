using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// Jira's side of the app lifecycle (PROTOCOL.md section 2): "upload app" from a descriptor URL, then uninstall,
/// disable, enable and reinstall, each callback signed as Jira signs it.
/// </summary>
internal sealed class AppInstaller(Emulator emulator, AppClient client)
{
    private const int MaxDescriptorBytes = 1024 * 1024;

    public async Task<EmulatorSite> InstallAsync(string descriptorUrl, CancellationToken ct)
    {
        var descriptor = AppDescriptor.Parse(await FetchDescriptorAsync(descriptorUrl, ct));
        var site = new EmulatorSite(emulator, emulator.NextSiteSequence(), descriptor, NewSecret());
        // The site serves the API from the moment installed is sent: an app may start syncing inside its callback.
        emulator.Add(site);
        try
        {
            await ExpectSuccessAsync(site, "installed", new AppClient.InstallKeySigned(), site.SharedSecret, ct);
            await ExpectSuccessAsync(site, "enabled", new AppClient.SecretSigned(site.SharedSecret), null, ct);
            return site;
        }
        catch
        {
            emulator.Remove(site);
            throw;
        }
    }

    /// <summary>A new shared secret in installed (RS256) and then enabled; the old secret stays if the app refuses.</summary>
    public async Task ReinstallAsync(EmulatorSite site, CancellationToken ct)
    {
        var secret = NewSecret();
        site.BeginRotation(secret);
        try
        {
            await ExpectSuccessAsync(site, "installed", new AppClient.InstallKeySigned(), secret, ct);
            site.EndRotation(accepted: true);
        }
        catch
        {
            site.EndRotation(accepted: false);
            throw;
        }

        site.SetState(EmulatorSite.Enabled);
        await ExpectSuccessAsync(site, "enabled", new AppClient.SecretSigned(site.SharedSecret), null, ct);
    }

    /// <summary>Jira uninstalls whatever the app answers; the answer's status is returned for the record.</summary>
    public Task<int> UninstallAsync(EmulatorSite site, CancellationToken ct)
        => ChangeStateAsync(site, EmulatorSite.Uninstalled, "uninstalled", new AppClient.InstallKeySigned(), ct);

    public Task<int> DisableAsync(EmulatorSite site, CancellationToken ct)
        => ChangeStateAsync(site, EmulatorSite.Disabled, "disabled", new AppClient.SecretSigned(site.SharedSecret), ct);

    public Task<int> EnableAsync(EmulatorSite site, CancellationToken ct)
        => ChangeStateAsync(site, EmulatorSite.Enabled, "enabled", new AppClient.SecretSigned(site.SharedSecret), ct);

    private async Task<int> ChangeStateAsync(EmulatorSite site, string state, string eventType, AppClient.Signing signing, CancellationToken ct)
    {
        if (site.State == EmulatorSite.Uninstalled && eventType != "uninstalled")
        {
            throw new InvalidOperationException($"the app is uninstalled from {site.Name}; reinstall it first");
        }

        site.SetState(state);
        if (!site.App.Lifecycle.TryGetValue(eventType, out var path))
        {
            return 0;
        }

        var answer = await client.SendAsync(site, HttpMethod.Post, path, Payload(site, eventType, null), signing, ct);
        return answer.Status;
    }

    private async Task ExpectSuccessAsync(EmulatorSite site, string eventType, AppClient.Signing signing, string? secret, CancellationToken ct)
    {
        if (!site.App.Lifecycle.TryGetValue(eventType, out var path))
        {
            return;
        }

        var answer = await client.SendAsync(site, HttpMethod.Post, path, Payload(site, eventType, secret), signing, ct);
        if (answer.Status is < 200 or > 299)
        {
            var reason = answer.Status == 0
                ? $"the app could not be reached at {eventType}: {answer.Body}"
                : $"the app refused {eventType}";
            throw new EmulatorInstallException(reason, answer.Status, answer.Body);
        }
    }

    /// <summary>The lifecycle body of PROTOCOL.md section 2; sharedSecret only in installed.</summary>
    private static string Payload(EmulatorSite site, string eventType, string? sharedSecret)
    {
        var body = new JsonObject
        {
            ["key"] = site.AppKey,
            ["clientKey"] = site.ClientKey,
        };
        if (sharedSecret is not null)
        {
            body["sharedSecret"] = sharedSecret;
        }

        body["baseUrl"] = site.BaseUrl;
        body["displayUrl"] = site.BaseUrl;
        body["productType"] = "jira";
        body["description"] = $"Jira emulator site {site.Name}";
        body["serviceEntitlementNumber"] = site.ServiceEntitlementNumber;
        body["oauthClientId"] = site.OauthClientId;
        body["eventType"] = eventType;
        body["installationId"] = site.InstallationId;
        body["cloudId"] = site.CloudId;
        return body.ToJsonString();
    }

    private async Task<JsonObject> FetchDescriptorAsync(string descriptorUrl, CancellationToken ct)
    {
        if (!Uri.TryCreate(descriptorUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new EmulatorInstallException("descriptorUrl must be an absolute http(s) URL", 0, "");
        }

        try
        {
            using var response = await emulator.Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new EmulatorInstallException("the descriptor could not be fetched", (int)response.StatusCode, text);
            }

            if (text.Length > MaxDescriptorBytes)
            {
                throw new EmulatorInstallException("the descriptor is larger than 1 MiB", (int)response.StatusCode, "");
            }

            return JsonNode.Parse(text) as JsonObject
                ?? throw new EmulatorInstallException("the descriptor is not a JSON object", (int)response.StatusCode, "");
        }
        catch (JsonException ex)
        {
            throw new EmulatorInstallException("the descriptor is not valid JSON: " + ex.Message, 200, "", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new EmulatorInstallException("the descriptor could not be fetched: " + ex.Message, 0, "", ex);
        }
    }

    /// <summary>A long random secret (32 random bytes, base64url), as unguessable as the ones Jira issues.</summary>
    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
