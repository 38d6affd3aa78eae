#Requires -Version 3.0
<#
.SYNOPSIS
    The pulumi-rgs Management Shell agent, protocol 1.

.DESCRIPTION
    Reads one JSON request per line on standard input and answers one JSON line per request on
    standard output (UTF-8; standard error carries diagnostics only). It runs only the *-CsRgs*
    cmdlets and parameters of its whitelist, plus Get-CsService -ApplicationServer, and passes
    every value by splatting: nothing a request carries is ever run as code.

    Without -Remote it imports the SkypeForBusiness module (Lync on Lync Server 2013). With
    -Remote it opens a session to https://<pool>/OcsPowershell and evaluates each request there,
    so that Get, change and Set act on live objects on the server.

.PARAMETER Remote
    The FQDN of a Front End pool whose /OcsPowershell endpoint runs the requests.

.PARAMETER CredentialFile
    With -Remote: a PSCredential saved by Export-Clixml under the account that runs the agent.
    Without it the session uses the agent's own Windows identity.

.EXAMPLE
    powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File rgs-agent.ps1

.EXAMPLE
    powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File rgs-agent.ps1 -Remote pool01.contoso.com
#>
[CmdletBinding()]
param(
    [string]$Remote,
    [string]$CredentialFile
)

$ErrorActionPreference = 'Stop'
# The console host writes these streams to standard output, where they would break the framing.
$WarningPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 2.0

$AgentVersion = '1.0.0'
$ProtocolVersion = 1

# Evaluates one request line and answers @{ Response = <JSON line>; Warnings = <string[]> }.
# It is self-contained because with -Remote it runs on the pool's server, where nothing else of
# this script exists; it is written for Windows PowerShell 3.0 and later for the same reason.
$Evaluate = {
    param([string]$Line, [bool]$IsRemote)

    $ErrorActionPreference = 'Stop'
    $WarningPreference = 'SilentlyContinue'
    $VerbosePreference = 'SilentlyContinue'
    $ProgressPreference = 'SilentlyContinue'
    Set-StrictMode -Version 2.0

    # BEGIN rgs-whitelist (written by agent/generate-whitelist.js from agent/rgs-cmdlets.json; edit the JSON, then run the generator)
    $Whitelist = @{
        'Export-CsRgsConfiguration' = @{ 'FileName' = 'String'; 'Force' = 'SwitchParameter'; 'Owner' = 'RgsIdentity'; 'RemoveExportedConfiguration' = 'SwitchParameter'; 'Source' = 'RgsIdentity' }
        'Get-CsRgsAgentGroup' = @{ 'Identity' = 'RgsIdentity'; 'Name' = 'String'; 'Owner' = 'RgsIdentity'; 'ShowAll' = 'SwitchParameter' }
        'Get-CsRgsConfiguration' = @{ 'Identity' = 'RgsIdentity' }
        'Get-CsRgsHolidaySet' = @{ 'Identity' = 'RgsIdentity'; 'Name' = 'String'; 'Owner' = 'RgsIdentity'; 'ShowAll' = 'SwitchParameter' }
        'Get-CsRgsHoursOfBusiness' = @{ 'Identity' = 'RgsIdentity'; 'Name' = 'String'; 'Owner' = 'RgsIdentity'; 'ShowAll' = 'SwitchParameter' }
        'Get-CsRgsQueue' = @{ 'Identity' = 'RgsIdentity'; 'Name' = 'String'; 'Owner' = 'RgsIdentity'; 'ShowAll' = 'SwitchParameter' }
        'Get-CsRgsWorkflow' = @{ 'Identity' = 'RgsIdentity'; 'Name' = 'String'; 'Owner' = 'RgsIdentity'; 'ShowAll' = 'SwitchParameter' }
        'Get-CsService' = @{ 'ApplicationServer' = 'SwitchParameter'; 'PoolFqdn' = 'String' }
        'Import-CsRgsAudioFile' = @{ 'Confirm' = 'SwitchParameter'; 'Content' = 'Byte[]'; 'FileName' = 'String'; 'Force' = 'SwitchParameter'; 'Identity' = 'RgsIdentity'; 'WhatIf' = 'SwitchParameter' }
        'Import-CsRgsConfiguration' = @{ 'Destination' = 'RgsIdentity'; 'FileName' = 'String'; 'Force' = 'SwitchParameter'; 'OverwriteOwner' = 'SwitchParameter'; 'ReplaceExistingRgsSettings' = 'SwitchParameter'; 'ResolveNameConflicts' = 'SwitchParameter' }
        'Invoke-CsRgsStoreReplicateData' = @{ 'Force' = 'SwitchParameter'; 'PoolFqdn' = 'Fqdn' }
        'Move-CsRgsConfiguration' = @{ 'Destination' = 'String'; 'Force' = 'SwitchParameter'; 'ResolveNameConflicts' = 'SwitchParameter'; 'Source' = 'String' }
        'New-CsRgsAgentGroup' = @{ 'AgentAlertTime' = 'Int16'; 'AgentsByUri' = 'System.Collections.ObjectModel.Collection`1[System.Uri]'; 'Confirm' = 'SwitchParameter'; 'Description' = 'String'; 'DistributionGroupAddress' = 'String'; 'Force' = 'SwitchParameter'; 'InMemory' = 'SwitchParameter'; 'Name' = 'String'; 'Parent' = 'RgsIdentity'; 'ParticipationPolicy' = 'ParticipationPolicy'; 'RoutingMethod' = 'RoutingMethod'; 'WhatIf' = 'SwitchParameter' }
        'New-CsRgsAnswer' = @{ 'Action' = 'CallAction'; 'DtmfResponse' = 'String'; 'Name' = 'String'; 'VoiceResponseList' = 'PSListModifier' }
        'New-CsRgsCallAction' = @{ 'Action' = 'Action'; 'Prompt' = 'Prompt'; 'Question' = 'Question'; 'QueueID' = 'RgsIdentity'; 'Uri' = 'String' }
        'New-CsRgsHoliday' = @{ 'EndDate' = 'DateTime'; 'Name' = 'String'; 'StartDate' = 'DateTime' }
        'New-CsRgsHolidaySet' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'HolidayList' = 'System.Collections.ObjectModel.Collection`1[Microsoft.Rtc.Rgs.Management.WritableSettings.Holiday]'; 'InMemory' = 'SwitchParameter'; 'Name' = 'String'; 'Parent' = 'RgsIdentity'; 'WhatIf' = 'SwitchParameter' }
        'New-CsRgsHoursOfBusiness' = @{ 'Confirm' = 'SwitchParameter'; 'Custom' = 'Boolean'; 'Force' = 'SwitchParameter'; 'FridayHours1' = 'TimeRange'; 'FridayHours2' = 'TimeRange'; 'InMemory' = 'SwitchParameter'; 'MondayHours1' = 'TimeRange'; 'MondayHours2' = 'TimeRange'; 'Name' = 'String'; 'Parent' = 'RgsIdentity'; 'SaturdayHours1' = 'TimeRange'; 'SaturdayHours2' = 'TimeRange'; 'SundayHours1' = 'TimeRange'; 'SundayHours2' = 'TimeRange'; 'ThursdayHours1' = 'TimeRange'; 'ThursdayHours2' = 'TimeRange'; 'TuesdayHours1' = 'TimeRange'; 'TuesdayHours2' = 'TimeRange'; 'WednesdayHours1' = 'TimeRange'; 'WednesdayHours2' = 'TimeRange'; 'WhatIf' = 'SwitchParameter' }
        'New-CsRgsPrompt' = @{ 'AudioFilePrompt' = 'AudioFile'; 'TextToSpeechPrompt' = 'String' }
        'New-CsRgsQuestion' = @{ 'AnswerList' = 'PSListModifier'; 'InvalidAnswerPrompt' = 'Prompt'; 'Name' = 'String'; 'NoAnswerPrompt' = 'Prompt'; 'Prompt' = 'Prompt' }
        'New-CsRgsQueue' = @{ 'AgentGroupIDList' = 'System.Collections.ObjectModel.Collection`1[Microsoft.Rtc.Rgs.Management.RgsIdentity]'; 'Confirm' = 'SwitchParameter'; 'Description' = 'String'; 'Force' = 'SwitchParameter'; 'InMemory' = 'SwitchParameter'; 'Name' = 'String'; 'OverflowAction' = 'CallAction'; 'OverflowCandidate' = 'OverflowCandidate'; 'OverflowThreshold' = 'Int16'; 'Parent' = 'RgsIdentity'; 'TimeoutAction' = 'CallAction'; 'TimeoutThreshold' = 'Int32'; 'WhatIf' = 'SwitchParameter' }
        'New-CsRgsTimeRange' = @{ 'CloseTime' = 'TimeSpan'; 'Name' = 'String'; 'OpenTime' = 'TimeSpan' }
        'New-CsRgsWorkflow' = @{ 'Active' = 'Boolean'; 'Anonymous' = 'Boolean'; 'BusinessHoursID' = 'RgsIdentity'; 'Confirm' = 'SwitchParameter'; 'CustomMusicOnHoldFile' = 'AudioFile'; 'DefaultAction' = 'CallAction'; 'Description' = 'String'; 'DisplayNumber' = 'String'; 'EnabledForFederation' = 'Boolean'; 'Force' = 'SwitchParameter'; 'HolidayAction' = 'CallAction'; 'HolidaySetIDList' = 'System.Collections.ObjectModel.Collection`1[Microsoft.Rtc.Rgs.Management.RgsIdentity]'; 'InMemory' = 'SwitchParameter'; 'Language' = 'String'; 'LineUri' = 'Uri'; 'Managed' = 'Boolean'; 'ManagersByUri' = 'System.Collections.ObjectModel.Collection`1[System.Uri]'; 'Name' = 'String'; 'NonBusinessHoursAction' = 'CallAction'; 'Parent' = 'RgsIdentity'; 'PrimaryUri' = 'Uri'; 'TimeZone' = 'String'; 'WhatIf' = 'SwitchParameter' }
        'Remove-CsRgsAgentGroup' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'AgentGroup'; 'WhatIf' = 'SwitchParameter' }
        'Remove-CsRgsHolidaySet' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'HolidaySet'; 'WhatIf' = 'SwitchParameter' }
        'Remove-CsRgsHoursOfBusiness' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'BusinessHours'; 'WhatIf' = 'SwitchParameter' }
        'Remove-CsRgsQueue' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'Queue'; 'WhatIf' = 'SwitchParameter' }
        'Remove-CsRgsWorkflow' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'Workflow'; 'WhatIf' = 'SwitchParameter' }
        'Set-CsRgsAgentGroup' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'AgentGroup'; 'WhatIf' = 'SwitchParameter' }
        'Set-CsRgsConfiguration' = @{ 'AgentRingbackGracePeriod' = 'Int16'; 'Confirm' = 'SwitchParameter'; 'DefaultMusicOnHoldFile' = 'AudioFile'; 'DisableCallContext' = 'Boolean'; 'Force' = 'SwitchParameter'; 'Identity' = 'RgsIdentity'; 'Instance' = 'ServiceSettings'; 'WhatIf' = 'SwitchParameter' }
        'Set-CsRgsHolidaySet' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'HolidaySet'; 'WhatIf' = 'SwitchParameter' }
        'Set-CsRgsHoursOfBusiness' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'BusinessHours'; 'WhatIf' = 'SwitchParameter' }
        'Set-CsRgsQueue' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'Queue'; 'WhatIf' = 'SwitchParameter' }
        'Set-CsRgsWorkflow' = @{ 'Confirm' = 'SwitchParameter'; 'Force' = 'SwitchParameter'; 'Instance' = 'Workflow'; 'WhatIf' = 'SwitchParameter' }
    }
    $RequiredSwitches = @{
        'Get-CsService' = @('ApplicationServer')
    }
    # END rgs-whitelist

    $MaxDepth = 64
    $PersistedTypes = @('AgentGroup', 'Queue', 'BusinessHours', 'HolidaySet', 'Workflow', 'ServiceSettings')
    $NumericTypes = @([byte], [sbyte], [int16], [uint16], [int32], [uint32], [int64], [uint64], [single], [double], [decimal])
    $Invariant = [System.Globalization.CultureInfo]::InvariantCulture
    $JsonSpecial = '[\u0000-\u001F"\\\u007F-\uFFFF]'
    $JsonEscape = [System.Text.RegularExpressions.MatchEvaluator] {
        param($Match)
        $code = [int][char]$Match.Value
        if ($code -eq 0x22) { return '\"' }
        if ($code -eq 0x5C) { return '\\' }
        if ($code -eq 0x0A) { return '\n' }
        if ($code -eq 0x0D) { return '\r' }
        if ($code -eq 0x09) { return '\t' }
        return ('\u{0:x4}' -f $code)
    }
    $RefusalCategories = @{
        'invalid'          = 'InvalidArgument'
        'not_found'        = 'ObjectNotFound'
        'version_mismatch' = 'InvalidOperation'
        'failed'           = 'LimitsExceeded'
    }
    $Context = @{
        Cmdlet   = $null
        Warnings = New-Object System.Collections.Generic.List[string]
    }

    function New-Refusal {
        param([string]$Code, [string]$ErrorId, [string]$Message)
        $exception = New-Object System.InvalidOperationException -ArgumentList $Message
        $exception.Data['RgsCode'] = $Code
        $exception.Data['RgsErrorId'] = $ErrorId
        return $exception
    }

    function Test-JsonObject {
        param($Value)
        return ($Value -is [System.Management.Automation.PSCustomObject])
    }

    # A member of a parsed JSON object, or $null when it is absent (strict mode refuses the dot).
    function Get-Field {
        param($Object, [string]$Name)
        if (-not (Test-JsonObject $Object)) {
            return $null
        }
        $property = $Object.PSObject.Properties[$Name]
        if ($null -eq $property) {
            return $null
        }
        return , $property.Value
    }

    # The whitelist's own spelling of a name, matched as PowerShell matches names: ignoring case.
    function Find-Key {
        param([hashtable]$Table, [string]$Name)
        foreach ($key in $Table.Keys) {
            if ($key -eq $Name) {
                return $key
            }
        }
        return $null
    }

    function Get-SortedKeys {
        param([hashtable]$Table)
        $keys = [string[]]@($Table.Keys)
        [System.Array]::Sort($keys, [System.StringComparer]::Ordinal)
        return , $keys
    }

    function Invoke-Whitelisted {
        param([string]$Name, [hashtable]$Parameters)
        if (-not $Whitelist.ContainsKey($Name)) {
            throw (New-Refusal 'invalid' 'CmdletNotWhitelisted' ('{0} is not on the agent''s whitelist' -f $Name))
        }
        $Context.Cmdlet = $Name
        $allowed = $Whitelist[$Name]
        # A confirmation prompt would hang or fail a non-interactive session; the client makes the
        # checks that the prompt stands for before it sends a Set or a Remove.
        if ($Name -like 'Set-*' -or $Name -like 'Remove-*') {
            $Parameters['Force'] = $true
            $Parameters['Confirm'] = $false
        } elseif ($allowed.ContainsKey('Confirm')) {
            $Parameters['Confirm'] = $false
        }
        $Parameters['ErrorAction'] = 'Stop'
        $Parameters['WarningAction'] = 'SilentlyContinue'
        $Parameters['WarningVariable'] = 'cmdletWarnings'
        $cmdletWarnings = $null
        $command = @(Get-Command -Name $Name -CommandType 'Cmdlet', 'Function' -ErrorAction Stop)[0]
        try {
            & $command @Parameters
        } finally {
            foreach ($warning in @($cmdletWarnings)) {
                if ($null -ne $warning) {
                    $Context.Warnings.Add(('{0}: {1}' -f $Name, $warning))
                }
            }
        }
    }

    function Resolve-Value {
        param($Value, [int]$Depth, [string]$Where)
        if ($null -eq $Value) {
            return $null
        }
        if ($Value -is [array]) {
            $items = New-Object System.Collections.Generic.List[object]
            foreach ($item in $Value) {
                $items.Add((Resolve-Value $item $Depth $Where))
            }
            return , $items.ToArray()
        }
        if (Test-JsonObject $Value) {
            $names = @(foreach ($property in $Value.PSObject.Properties) { $property.Name })
            if ($names.Count -eq 1 -and $names[0] -ceq 'step') {
                return , (Invoke-Step (Get-Field $Value 'step') ($Depth + 1))
            }
            if ($names.Count -eq 1 -and $names[0] -ceq 'bytes') {
                $text = Get-Field $Value 'bytes'
                if ($text -isnot [string]) {
                    throw (New-Refusal 'invalid' 'BytesNotBase64' ('{0}: "bytes" must be a base64 string' -f $Where))
                }
                try {
                    $bytes = [System.Convert]::FromBase64String($text)
                } catch {
                    throw (New-Refusal 'invalid' 'BytesNotBase64' ('{0}: "bytes" is not valid base64' -f $Where))
                }
                return , $bytes
            }
            throw (New-Refusal 'invalid' 'ValueShape' ('{0}: an object value must be {{"step":STEP}} or {{"bytes":"<base64>"}}, not an object with the keys [{1}]' -f $Where, ($names -join ', ')))
        }
        return $Value
    }

    # Evaluates a step; answers $null for no output, the object for one, an array for several.
    function Invoke-Step {
        param($Step, [int]$Depth)
        if ($Depth -gt $MaxDepth) {
            throw (New-Refusal 'invalid' 'StepsTooDeep' ('steps are nested deeper than {0} levels' -f $MaxDepth))
        }
        if (-not (Test-JsonObject $Step)) {
            throw (New-Refusal 'invalid' 'StepShape' 'a step must be an object {"cmdlet":NAME,"params":{...},"switches":[...]}')
        }
        foreach ($property in $Step.PSObject.Properties) {
            if (@('cmdlet', 'params', 'switches') -cnotcontains $property.Name) {
                throw (New-Refusal 'invalid' 'StepShape' ('a step has the keys cmdlet, params and switches, not {0}' -f $property.Name))
            }
        }
        $requested = Get-Field $Step 'cmdlet'
        if ($requested -isnot [string] -or $requested.Length -eq 0) {
            throw (New-Refusal 'invalid' 'StepShape' 'a step''s "cmdlet" must be a cmdlet name')
        }
        $Context.Cmdlet = $requested
        $name = Find-Key $Whitelist $requested
        if ($null -eq $name) {
            throw (New-Refusal 'invalid' 'CmdletNotWhitelisted' ('{0} is not on the agent''s whitelist: it runs the *-CsRgs* cmdlets of rgs-cmdlets.json and Get-CsService -ApplicationServer' -f $requested))
        }
        $Context.Cmdlet = $name
        $allowed = $Whitelist[$name]
        $parameters = @{}

        $given = Get-Field $Step 'params'
        if ($null -ne $given) {
            if (-not (Test-JsonObject $given)) {
                throw (New-Refusal 'invalid' 'StepShape' ('{0}: "params" must be an object of parameter names and values' -f $name))
            }
            foreach ($property in $given.PSObject.Properties) {
                $parameter = Find-Key $allowed $property.Name
                if ($null -eq $parameter) {
                    throw (New-Refusal 'invalid' 'ParameterNotWhitelisted' ('{0} has no parameter -{1} on the whitelist; allowed: {2}' -f $name, $property.Name, ((Get-SortedKeys $allowed) -join ', ')))
                }
                if ($allowed[$parameter] -eq 'SwitchParameter') {
                    throw (New-Refusal 'invalid' 'SwitchAsParameter' ('{0} -{1} is a switch: name it in "switches"' -f $name, $parameter))
                }
                $parameters[$parameter] = Resolve-Value $property.Value $Depth ('{0} -{1}' -f $name, $parameter)
            }
        }

        $switches = Get-Field $Step 'switches'
        if ($null -ne $switches) {
            foreach ($flag in @($switches)) {
                $parameter = $null
                if ($flag -is [string]) {
                    $parameter = Find-Key $allowed $flag
                }
                if ($null -eq $parameter -or $allowed[$parameter] -ne 'SwitchParameter') {
                    throw (New-Refusal 'invalid' 'SwitchNotWhitelisted' ('{0} has no switch -{1} on the whitelist' -f $name, $flag))
                }
                if ($parameter -eq 'Confirm') {
                    throw (New-Refusal 'invalid' 'SwitchNotWhitelisted' ('{0}: the agent never prompts, -Confirm is always $false' -f $name))
                }
                $parameters[$parameter] = $true
            }
        }

        if ($RequiredSwitches.ContainsKey($name)) {
            foreach ($required in $RequiredSwitches[$name]) {
                if (-not $parameters.ContainsKey($required)) {
                    throw (New-Refusal 'invalid' 'SwitchRequired' ('{0} is on the whitelist only with -{1}' -f $name, $required))
                }
            }
        }

        $results = @(Invoke-Whitelisted $name $parameters)
        if ($results.Count -eq 0) {
            return $null
        }
        if ($results.Count -eq 1) {
            return , $results[0]
        }
        return , $results
    }

    function Get-SingleObject {
        param($Step, [string]$Purpose)
        $found = Invoke-Step $Step 1
        if ($null -eq $found) {
            throw (New-Refusal 'not_found' 'ObjectNotFound' ('{0} found no object' -f $Purpose))
        }
        if ($found -is [array]) {
            throw (New-Refusal 'invalid' 'NotOneObject' ('{0} must select one object; it selected {1}' -f $Purpose, $found.Length))
        }
        return , $found
    }

    function Test-IdentityType {
        param([type]$Type)
        return ($Type.Name -like '*Identity' -or $Type.Name -like '*Id' -or $Type.Name -eq 'Fqdn')
    }

    function Format-TimeSpan {
        param([TimeSpan]$Span)
        return [string]::Format($Invariant, '{0:00}:{1:00}:{2:00}', ($Span.Days * 24 + $Span.Hours), $Span.Minutes, $Span.Seconds)
    }

    # Plain data for JSON. Objects of the Response Group types are projected in full, nested; other
    # nested objects (pool and site references of Get-CsService) become their string form.
    function ConvertTo-Projection {
        param($Value, [int]$Depth, [bool]$Top)
        if ($null -eq $Value) {
            return $null
        }
        $base = ([System.Management.Automation.PSObject]::AsPSObject($Value)).BaseObject
        if ($base -is [string]) { return $base }
        if ($base -is [char]) { return [string]$base }
        if ($base -is [bool]) { return $base }
        if ($base -is [enum]) { return $base.ToString() }
        if ($base -is [byte[]]) { return [ordered]@{ 'bytes' = [System.Convert]::ToBase64String($base) } }
        $type = $base.GetType()
        if ($NumericTypes -contains $type) { return $base }
        if ($base -is [TimeSpan]) { return (Format-TimeSpan $base) }
        if ($base -is [DateTime]) { return $base.ToString('yyyy-MM-ddTHH:mm:ss', $Invariant) }
        if ($base -is [DateTimeOffset]) { return $base.DateTime.ToString('yyyy-MM-ddTHH:mm:ss', $Invariant) }
        if ($base -is [guid]) { return $base.ToString() }
        if ($base -is [uri]) { return $base.OriginalString }
        if (Test-IdentityType $type) { return $base.ToString() }
        if ($base -is [System.Collections.IDictionary]) {
            $map = [ordered]@{}
            foreach ($key in $base.Keys) {
                $map[[string]$key] = ConvertTo-Projection $base[$key] $Depth $Top
            }
            return $map
        }
        if ($base -is [System.Collections.IEnumerable]) {
            $items = New-Object System.Collections.Generic.List[object]
            foreach ($item in $base) {
                $items.Add((ConvertTo-Projection $item $Depth $Top))
            }
            return , $items.ToArray()
        }
        $isCustom = $base -is [System.Management.Automation.PSCustomObject]
        $isRgs = $type.FullName -like 'Microsoft.Rtc.Rgs.*'
        if (-not $Top -and -not $isRgs -and -not $isCustom) {
            return $base.ToString()
        }
        if ($Depth -gt $MaxDepth) {
            throw (New-Refusal 'failed' 'ProjectionTooDeep' ('{0} nests objects deeper than {1} levels' -f $type.FullName, $MaxDepth))
        }
        $projection = [ordered]@{}
        $memberType = 'Property'
        if ($isCustom) {
            $memberType = 'NoteProperty'
        } else {
            $projection['$type'] = $type.FullName
        }
        foreach ($property in $Value.PSObject.Properties) {
            if ([string]$property.MemberType -ne $memberType -or -not $property.IsGettable) {
                continue
            }
            $raw = $null
            try {
                $raw = $property.Value
            } catch {
                $raw = $null
            }
            $projection[$property.Name] = ConvertTo-Projection $raw ($Depth + 1) $false
        }
        if ($isRgs -and $PersistedTypes -contains $type.Name) {
            $projection['$fingerprint'] = Get-Fingerprint $projection
        }
        return $projection
    }

    function Get-Fingerprint {
        param($Projection)
        $bytes = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-JsonText $Projection $true))
        # The CryptoServiceProvider class, because SHA256Managed refuses to run on FIPS-enforcing hosts.
        $sha = New-Object System.Security.Cryptography.SHA256CryptoServiceProvider
        try {
            $hash = $sha.ComputeHash($bytes)
        } finally {
            $sha.Dispose()
        }
        return ([System.BitConverter]::ToString($hash)).Replace('-', '').ToLowerInvariant()
    }

    function Write-JsonValue {
        param([System.Text.StringBuilder]$Builder, $Value, [bool]$Canonical)
        if ($null -eq $Value) {
            $null = $Builder.Append('null')
            return
        }
        $base = ([System.Management.Automation.PSObject]::AsPSObject($Value)).BaseObject
        if ($base -is [string] -or $base -is [char]) {
            $null = $Builder.Append('"').Append([regex]::Replace([string]$base, $JsonSpecial, $JsonEscape)).Append('"')
            return
        }
        if ($base -is [bool]) {
            if ($base) { $null = $Builder.Append('true') } else { $null = $Builder.Append('false') }
            return
        }
        if ($base -is [double] -or $base -is [single]) {
            if ([double]::IsNaN($base) -or [double]::IsInfinity($base)) {
                $null = $Builder.Append('null')
            } else {
                $null = $Builder.Append(([double]$base).ToString('R', $Invariant))
            }
            return
        }
        if ($NumericTypes -contains $base.GetType()) {
            $null = $Builder.Append($base.ToString($Invariant))
            return
        }
        if ($base -is [System.Collections.IDictionary]) {
            $keys = [string[]]@(foreach ($key in $base.Keys) { [string]$key })
            if ($Canonical) {
                [System.Array]::Sort($keys, [System.StringComparer]::Ordinal)
            }
            $null = $Builder.Append('{')
            $first = $true
            foreach ($key in $keys) {
                if (-not $first) { $null = $Builder.Append(',') }
                $first = $false
                Write-JsonValue $Builder $key $Canonical
                $null = $Builder.Append(':')
                Write-JsonValue $Builder $base[$key] $Canonical
            }
            $null = $Builder.Append('}')
            return
        }
        if ($base -is [System.Collections.IEnumerable]) {
            $null = $Builder.Append('[')
            $first = $true
            foreach ($item in $base) {
                if (-not $first) { $null = $Builder.Append(',') }
                $first = $false
                Write-JsonValue $Builder $item $Canonical
            }
            $null = $Builder.Append(']')
            return
        }
        Write-JsonValue $Builder $base.ToString() $Canonical
    }

    # JSON text in ASCII (every other character escaped), so that no code page can alter it;
    # canonical text sorts object keys by ordinal.
    function ConvertTo-JsonText {
        param($Value, [bool]$Canonical)
        $builder = New-Object System.Text.StringBuilder
        Write-JsonValue $builder $Value $Canonical
        return $builder.ToString()
    }

    function Set-LiveProperty {
        param($Target, [string]$Name, $Value)
        $property = $Target.PSObject.Properties[$Name]
        if ($null -eq $property -or [string]$property.MemberType -ne 'Property') {
            throw (New-Refusal 'invalid' 'PropertyUnknown' ('{0} has no property {1}' -f $Target.GetType().FullName, $Name))
        }
        $current = $property.Value
        $isCollection = $null -ne $current -and $current -isnot [string] -and $current -isnot [array] -and $current -is [System.Collections.IList]
        if (-not $isCollection -and -not $property.IsSettable) {
            throw (New-Refusal 'invalid' 'PropertyReadOnly' ('{0}.{1} is read-only' -f $Target.GetType().Name, $property.Name))
        }
        try {
            if ($isCollection) {
                $current.Clear()
                if ($null -ne $Value) {
                    foreach ($item in @($Value)) {
                        $null = $current.Add($item)
                    }
                }
            } else {
                $property.Value = $Value
            }
        } catch {
            throw (New-Refusal 'invalid' 'PropertyValueRefused' ('{0}.{1} refused the value: {2}' -f $Target.GetType().Name, $property.Name, $_.Exception.Message))
        }
    }

    function Invoke-Update {
        param($Request)
        $with = Get-Field $Request 'with'
        $setter = $null
        if ($with -is [string]) {
            $setter = Find-Key $Whitelist $with
        }
        if ($null -eq $setter -or $setter -notlike 'Set-*' -or -not $Whitelist[$setter].ContainsKey('Instance')) {
            throw (New-Refusal 'invalid' 'UpdateShape' ('"with" must name a whitelisted Set-CsRgs* cmdlet that takes -Instance, not {0}' -f $with))
        }
        $Context.Cmdlet = $setter
        $expected = Get-Field $Request 'ifFingerprint'
        if ($expected -isnot [string] -or $expected -notmatch '^[0-9a-fA-F]{64}$') {
            throw (New-Refusal 'invalid' 'UpdateShape' '"ifFingerprint" must be the 64 hex digits of a $fingerprint')
        }
        $changes = Get-Field $Request 'set'
        if (-not (Test-JsonObject $changes)) {
            throw (New-Refusal 'invalid' 'UpdateShape' '"set" must be an object of property names and values')
        }
        $getStep = Get-Field $Request 'get'

        $target = Get-SingleObject $getStep 'the update''s "get"'
        $before = ConvertTo-Projection $target 1 $true
        if ($before -isnot [System.Collections.IDictionary] -or -not $before.Contains('$fingerprint')) {
            throw (New-Refusal 'invalid' 'UpdateShape' ('the update''s "get" must select an agent group, queue, hours of business, holiday set, workflow or service settings, not {0}' -f $target.GetType().FullName))
        }
        if ([string]$before['$fingerprint'] -ne $expected) {
            throw (New-Refusal 'version_mismatch' 'FingerprintMismatch' ('{0} changed since it was read: its fingerprint is {1}, the request expected {2}; nothing was changed' -f $target.GetType().Name, $before['$fingerprint'], $expected))
        }

        $resolved = [ordered]@{}
        foreach ($change in $changes.PSObject.Properties) {
            $resolved[$change.Name] = Resolve-Value $change.Value 1 ('{0}.{1}' -f $target.GetType().Name, $change.Name)
        }
        foreach ($name in @($resolved.Keys)) {
            Set-LiveProperty $target $name $resolved[$name]
        }
        $null = Invoke-Whitelisted $setter @{ 'Instance' = $target }

        $after = Get-SingleObject $getStep 'reading the object again after the update'
        return , (ConvertTo-Projection $after 1 $true)
    }

    function Invoke-Request {
        param($Request)
        $op = Get-Field $Request 'op'
        if ($op -ceq 'ping') {
            return 'pong'
        }
        if ($op -ceq 'run') {
            return , (ConvertTo-Projection (Invoke-Step (Get-Field $Request 'step') 1) 1 $true)
        }
        if ($op -ceq 'update') {
            return , (Invoke-Update $Request)
        }
        throw (New-Refusal 'invalid' 'UnknownOp' ('"op" must be run, update or ping, not {0}' -f $op))
    }

    function Test-ExceptionType {
        param($Chain, [string[]]$Names)
        foreach ($exception in $Chain) {
            foreach ($name in $Names) {
                if ($exception.GetType().FullName -eq $name -or $exception.GetType().Name -eq $name) {
                    return $true
                }
            }
        }
        return $false
    }

    # Codes follow the exception type and the error category first: messages are localized on
    # servers that do not run in English, so the message patterns are the last resort.
    function Get-ErrorCode {
        param($Chain, [string]$Category, [string]$Text)
        if ((Test-ExceptionType $Chain @('System.UnauthorizedAccessException', 'System.Security.SecurityException')) -or
            @('PermissionDenied', 'SecurityError') -contains $Category -or
            $Text -match 'not authorized|unauthorized|access is denied|access denied|permission|RBAC') {
            return 'denied'
        }
        if (Test-ExceptionType $Chain @('System.Management.Automation.CommandNotFoundException')) {
            # Over /OcsPowershell, a cmdlet outside the caller's roles is not there at all.
            if ($IsRemote) { return 'denied' }
            return 'invalid'
        }
        if ($Category -eq 'ObjectNotFound' -or (Test-ExceptionType $Chain @('System.Management.Automation.ItemNotFoundException'))) {
            return 'not_found'
        }
        if ($Category -eq 'ResourceExists' -or $Text -match 'already exists|already in use|already used|duplicate') {
            return 'conflict'
        }
        if ((Test-ExceptionType $Chain @('System.Management.Automation.Remoting.PSRemotingTransportException', 'System.Management.Automation.Runspaces.InvalidRunspaceStateException', 'System.Management.Automation.PSRemotingDataStructureException', 'System.TimeoutException')) -or
            @('ConnectionError', 'ResourceUnavailable', 'OpenError') -contains $Category) {
            return 'unavailable'
        }
        if ((Test-ExceptionType $Chain @('System.Management.Automation.ParameterBindingException', 'System.Management.Automation.PSInvalidCastException', 'System.Management.Automation.ValidationMetadataException', 'System.Management.Automation.SetValueInvocationException', 'System.InvalidCastException', 'System.FormatException', 'System.OverflowException')) -or
            @('InvalidArgument', 'InvalidData', 'InvalidType', 'MetadataError') -contains $Category) {
            return 'invalid'
        }
        foreach ($exception in $Chain) {
            if ($exception -is [System.ArgumentException]) {
                return 'invalid'
            }
        }
        if ($Text -match 'cannot find|could not be found|was not found|does not exist') {
            return 'not_found'
        }
        return 'failed'
    }

    function ConvertTo-AgentError {
        param([System.Management.Automation.ErrorRecord]$Record)
        $chain = New-Object System.Collections.Generic.List[object]
        $exception = $Record.Exception
        while ($null -ne $exception) {
            $chain.Add($exception)
            $exception = $exception.InnerException
        }
        $refusal = $null
        foreach ($candidate in $chain) {
            if ($null -ne $candidate.Data -and $candidate.Data.Contains('RgsCode')) {
                $refusal = $candidate
                break
            }
        }
        if ($null -ne $refusal) {
            $code = [string]$refusal.Data['RgsCode']
            $category = 'InvalidArgument'
            if ($RefusalCategories.ContainsKey($code)) {
                $category = $RefusalCategories[$code]
            }
            return [ordered]@{
                'code'     = $code
                'message'  = $refusal.Message
                'cmdlet'   = $Context.Cmdlet
                'errorId'  = [string]$refusal.Data['RgsErrorId']
                'category' = $category
            }
        }
        $category = [string]$Record.CategoryInfo.Category
        $text = (@(foreach ($item in $chain) { $item.Message }) -join ' | ')
        $cmdlet = $Context.Cmdlet
        if ($null -ne $Record.InvocationInfo -and $null -ne $Record.InvocationInfo.MyCommand -and $Whitelist.ContainsKey([string]$Record.InvocationInfo.MyCommand.Name)) {
            $cmdlet = [string]$Record.InvocationInfo.MyCommand.Name
        }
        return [ordered]@{
            'code'     = (Get-ErrorCode $chain $category $text)
            'message'  = $Record.Exception.Message
            'cmdlet'   = $cmdlet
            'errorId'  = [string]$Record.FullyQualifiedErrorId
            'category' = $category
        }
    }

    $id = $null
    $answer = $null
    try {
        $request = $null
        try {
            $request = ConvertFrom-Json -InputObject $Line
        } catch {
            throw (New-Refusal 'invalid' 'RequestNotJson' ('the request is not JSON: {0}' -f $_.Exception.Message))
        }
        if (-not (Test-JsonObject $request)) {
            throw (New-Refusal 'invalid' 'RequestShape' 'a request must be a JSON object {"id":...,"op":...}')
        }
        $givenId = Get-Field $request 'id'
        if ($null -ne $givenId -and $givenId -isnot [string] -and $NumericTypes -notcontains $givenId.GetType()) {
            throw (New-Refusal 'invalid' 'RequestShape' '"id" must be a number or a string')
        }
        $id = $givenId
        $value = Invoke-Request $request
        $answer = [ordered]@{ 'id' = $id; 'ok' = $true; 'value' = $value }
    } catch {
        $answer = [ordered]@{ 'id' = $id; 'ok' = $false; 'error' = (ConvertTo-AgentError $_) }
    }
    @{ 'Response' = (ConvertTo-JsonText $answer $false); 'Warnings' = $Context.Warnings.ToArray() }
}

# The name of the module that serves the Response Group cmdlets in a remote session.
$DescribeModule = {
    $command = @(Get-Command -Name 'Get-CsRgsConfiguration' -CommandType 'Cmdlet', 'Function' -ErrorAction Stop)[0]
    [string]$command.ModuleName
}

$Utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false
$RequestReader = New-Object System.IO.StreamReader -ArgumentList ([Console]::OpenStandardInput()), $Utf8
$ResponseWriter = New-Object System.IO.StreamWriter -ArgumentList ([Console]::OpenStandardOutput()), $Utf8
$ResponseWriter.AutoFlush = $true
$ResponseWriter.NewLine = "`n"

function Write-Diagnostic {
    param([string]$Text)
    [Console]::Error.WriteLine(('rgs-agent: {0}' -f $Text))
}

function Write-Answer {
    param($Answer)
    $ResponseWriter.WriteLine((ConvertTo-Json -InputObject $Answer -Depth 5 -Compress))
}

function New-StartupError {
    param([string]$Code, [string]$Cmdlet, [System.Management.Automation.ErrorRecord]$Record, [string]$Message)
    $errorId = $Cmdlet
    $category = 'ResourceUnavailable'
    if ($null -ne $Record) {
        $Message = ('{0}: {1}' -f $Message, $Record.Exception.Message)
        $errorId = [string]$Record.FullyQualifiedErrorId
        $category = [string]$Record.CategoryInfo.Category
    }
    return [ordered]@{ 'code' = $Code; 'message' = $Message; 'cmdlet' = $Cmdlet; 'errorId' = $errorId; 'category' = $category }
}

function Get-RequestId {
    param([string]$Line)
    try {
        $request = ConvertFrom-Json -InputObject $Line
        $property = $request.PSObject.Properties['id']
        if ($null -ne $property -and ($property.Value -is [string] -or $property.Value -is [ValueType])) {
            return $property.Value
        }
    } catch {
        return $null
    }
    return $null
}

function Open-RemoteSession {
    $parameters = @{
        'ConnectionUri'  = ('https://{0}/OcsPowershell' -f $Remote)
        'Authentication' = 'NegotiateWithImplicitCredential'
        'ErrorAction'    = 'Stop'
    }
    if ($null -ne $script:Credential) {
        $parameters['Credential'] = $script:Credential
        $parameters['Authentication'] = 'Negotiate'
    }
    return (New-PSSession @parameters)
}

function Close-RemoteSession {
    if ($null -ne $script:Session) {
        try {
            Remove-PSSession -Session $script:Session -ErrorAction Stop
        } catch {
            Write-Diagnostic ('closing the session to {0} failed: {1}' -f $Remote, $_.Exception.Message)
        }
        $script:Session = $null
    }
}

$Session = $null
$Credential = $null
$ModuleName = $null
$StartupError = $null

if ($Remote) {
    if ($Remote -notmatch '^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$') {
        $StartupError = New-StartupError 'invalid' 'New-PSSession' $null ('-Remote must be the FQDN of a Front End pool, such as pool01.contoso.com, not "{0}"' -f $Remote)
    } elseif ($CredentialFile) {
        try {
            $Credential = Import-Clixml -Path $CredentialFile
        } catch {
            $StartupError = New-StartupError 'invalid' 'Import-Clixml' $_ ('the credential file {0} cannot be read (it opens only for the account and machine that exported it)' -f $CredentialFile)
        }
        if ($null -eq $StartupError -and $Credential -isnot [System.Management.Automation.PSCredential]) {
            $StartupError = New-StartupError 'invalid' 'Import-Clixml' $null ('the credential file {0} holds no PSCredential: write it with Get-Credential | Export-Clixml' -f $CredentialFile)
            $Credential = $null
        }
    }
    if ($null -eq $StartupError) {
        try {
            $Session = Open-RemoteSession
            $ModuleName = [string](@(Invoke-Command -Session $Session -ScriptBlock $DescribeModule -ErrorAction Stop)[-1])
        } catch {
            $StartupError = New-StartupError 'unavailable' 'New-PSSession' $_ ('no usable session to https://{0}/OcsPowershell' -f $Remote)
            Close-RemoteSession
        }
    }
} else {
    if ($CredentialFile) {
        $StartupError = New-StartupError 'invalid' 'Import-Clixml' $null '-CredentialFile applies only with -Remote'
    } else {
        foreach ($candidate in @('SkypeForBusiness', 'Lync')) {
            if (@(Get-Module -ListAvailable -Name $candidate).Count -gt 0) {
                try {
                    Import-Module -Name $candidate -DisableNameChecking -WarningAction SilentlyContinue -ErrorAction Stop
                    $ModuleName = $candidate
                } catch {
                    $StartupError = New-StartupError 'unavailable' 'Import-Module' $_ ('the {0} module is installed but does not load' -f $candidate)
                }
                break
            }
        }
        if ($null -eq $ModuleName -and $null -eq $StartupError) {
            $StartupError = New-StartupError 'unavailable' 'Import-Module' $null 'neither the SkypeForBusiness nor the Lync module is installed here: run the agent where the Skype for Business Server or Lync Server 2013 administrative tools are, or use -Remote <pool FQDN>'
        }
    }
}

if ($null -eq $StartupError) {
    Write-Answer ([ordered]@{ 'ready' = $true; 'protocol' = $ProtocolVersion; 'agent' = $AgentVersion; 'module' = $ModuleName })
} else {
    Write-Diagnostic $StartupError['message']
    Write-Answer ([ordered]@{ 'ready' = $false; 'protocol' = $ProtocolVersion; 'agent' = $AgentVersion; 'module' = $null; 'error' = $StartupError })
}

while ($true) {
    $line = $RequestReader.ReadLine()
    if ($null -eq $line) {
        break
    }
    if ($line.Trim().Length -eq 0) {
        continue
    }
    if ($null -ne $StartupError -and -not ($Remote -and $StartupError['code'] -eq 'unavailable')) {
        Write-Answer ([ordered]@{ 'id' = (Get-RequestId $line); 'ok' = $false; 'error' = $StartupError })
        continue
    }
    try {
        if ($Remote) {
            if ($null -eq $Session -or [string]$Session.State -ne 'Opened') {
                Close-RemoteSession
                $Session = Open-RemoteSession
                $StartupError = $null
            }
            $outcomes = @(Invoke-Command -Session $Session -ScriptBlock $Evaluate -ArgumentList $line, $true -ErrorAction Stop)
        } else {
            $outcomes = @(Invoke-Command -ScriptBlock $Evaluate -ArgumentList $line, $false -ErrorAction Stop)
        }
        $outcome = $null
        foreach ($candidate in $outcomes) {
            if ($candidate -is [System.Collections.IDictionary] -and $candidate.Contains('Response')) {
                $outcome = $candidate
            }
        }
        if ($null -eq $outcome) {
            throw (New-Object System.InvalidOperationException -ArgumentList 'the evaluation gave no answer')
        }
        foreach ($warning in @($outcome['Warnings'])) {
            if ($null -ne $warning) {
                Write-Diagnostic ('warning: {0}' -f $warning)
            }
        }
        $ResponseWriter.WriteLine([string]$outcome['Response'])
    } catch {
        $code = 'failed'
        if ($Remote) {
            # The evaluation maps every cmdlet error itself; what arrives here is the session failing.
            $code = 'unavailable'
            Close-RemoteSession
        }
        $failure = New-StartupError $code 'Invoke-Command' $_ 'the request could not be evaluated'
        Write-Diagnostic $failure['message']
        Write-Answer ([ordered]@{ 'id' = (Get-RequestId $line); 'ok' = $false; 'error' = $failure })
    }
}

Close-RemoteSession
exit 0
